using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;

namespace IpyBox.AI;

/// <summary>
/// Asks the application before Semantic Kernel runs an IpyBox function that needs approval (code execution and package
/// installation when <see cref="IpyBoxOptions.RequireApproval"/> is set), the way <c>ApprovalRequiredAIFunction</c> does for
/// Microsoft.Extensions.AI and Agent Framework. A rejected call does not run; the model reads that it was not approved.
/// </summary>
/// <remarks>
/// <para>
/// With <see cref="IpyBoxOptions.RequireApproval"/> set, the Semantic Kernel functions refuse to run unless this filter
/// approved the call, so a kernel without the filter runs no code. Add it with
/// <c>kernel.FunctionInvocationFilters.Add(new IpyBoxApprovalFilter(...))</c> or <c>AddIpyBoxApproval(...)</c> on the kernel builder.
/// It is a function invocation filter, so it covers automatic function calling through any connector and
/// <c>kernel.InvokeAsync</c> alike; other functions pass through untouched.
/// </para>
/// </remarks>
public sealed class IpyBoxApprovalFilter : IFunctionInvocationFilter
{
    private static readonly AsyncLocal<bool> s_approved = new();

    private readonly Func<FunctionInvocationContext, ValueTask<bool>> _approve;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="IpyBoxApprovalFilter"/> class.</summary>
    /// <param name="approve">
    /// Decides a call: it sees the function (<c>context.Function.Name</c>) and its arguments (<c>context.Arguments["code"]</c>),
    /// and returns <see langword="true"/> to run it.
    /// </param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="approve"/> is <see langword="null"/>.</exception>
    public IpyBoxApprovalFilter(Func<FunctionInvocationContext, ValueTask<bool>> approve, ILogger<IpyBoxApprovalFilter>? logger = null)
    {
        _approve = Throw.IfNull(approve);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Gets a value indicating whether the current call was approved by a filter.</summary>
    internal static bool IsApproved => s_approved.Value;

    /// <summary>Asks for approval of an IpyBox function that needs it, then runs it or answers that it was not approved.</summary>
    /// <param name="context">The invocation.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>A task that completes when the call has run or was refused.</returns>
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        Throw.IfNull(context);
        Throw.IfNull(next);
        if (context.Function.UnderlyingMethod is not { } method || !IpyBoxPlugin.NeedsApproval(method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (await _approve(context).ConfigureAwait(false))
        {
            // Flows into the function below and ends with this call.
            s_approved.Value = true;
            await next(context).ConfigureAwait(false);
            return;
        }

        Log.ToolNotApproved(_logger, context.Function.Name);
        context.Result = new FunctionResult(context.Function, $"Error: the user did not approve running {context.Function.Name}; it did not run. Ask the user how to proceed instead of retrying.");
    }
}
