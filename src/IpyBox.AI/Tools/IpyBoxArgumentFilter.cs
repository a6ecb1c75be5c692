using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;

namespace IpyBox.AI;

/// <summary>
/// Checks the arguments of a Semantic Kernel call to an IpyBox function against the function's schema before it runs: a
/// missing argument, an unknown one or a value of the wrong type comes back to the model as a message that names the
/// schema's parameter and says what to send, instead of Semantic Kernel's exception text. Other functions pass through.
/// </summary>
/// <remarks>
/// <c>AddIpyBoxPlugin</c> on the kernel builder registers it; for a kernel assembled by hand add it to
/// <c>kernel.FunctionInvocationFilters</c> before an <see cref="IpyBoxApprovalFilter"/>, so that a call is checked before
/// anyone is asked to approve it. The Microsoft.Extensions.AI functions (<see cref="IpyBoxPlugin.AsAIFunctions"/>) check
/// their arguments themselves.
/// </remarks>
public sealed class IpyBoxArgumentFilter : IFunctionInvocationFilter
{
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="IpyBoxArgumentFilter"/> class.</summary>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    public IpyBoxArgumentFilter(ILogger<IpyBoxArgumentFilter>? logger = null)
    {
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Runs the call when its arguments fit the schema; otherwise answers with what to send.</summary>
    /// <param name="context">The invocation.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>A task that completes when the call has run or was refused.</returns>
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        Throw.IfNull(context);
        Throw.IfNull(next);
        if (context.Function.UnderlyingMethod?.DeclaringType == typeof(IpyBoxPlugin)
            && ToolArguments.Check(context.Function.Name, context.Function.JsonSchema, context.Arguments) is { } refused)
        {
            Log.ToolArgumentsRefused(_logger, context.Function.Name, refused);
            context.Result = new FunctionResult(context.Function, refused);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
