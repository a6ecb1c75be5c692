using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace IpyBox.AI;

/// <summary>
/// A Semantic Kernel filter for chat services that cannot receive images from tools, such as Semantic Kernel's own
/// OpenAI connector (<c>AddOpenAIChatCompletion</c>): it replaces the images in an IpyBox function result with a short
/// note, so that they are not sent to the model as base64 text (a single plot would fill much of its context).
/// </summary>
/// <remarks>
/// Add it only for such services (<c>kernel.AutoFunctionInvocationFilters.Add(new ImageTextFallbackFilter())</c>).
/// To let the model see the images, run the kernel on a chat client with
/// <c>UseIpyBoxImageForwarding()</c> instead (see the Semantic Kernel documentation page of this library).
/// </remarks>
public sealed class ImageTextFallbackFilter : IAutoFunctionInvocationFilter
{
    /// <summary>Runs the function, then replaces images in its result with a note.</summary>
    /// <param name="context">The invocation.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>A task that completes when the function has run.</returns>
    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        Throw.IfNull(context);
        Throw.IfNull(next);
        await next(context).ConfigureAwait(false);
        if (context.Result.GetValue<object>() is IEnumerable<AIContent> contents
            && ImageForwardingChatClient.ExtractImages(contents) is { } extracted)
        {
            var note = string.Create(
                CultureInfo.InvariantCulture,
                $"[{extracted.Images.Count} image(s) produced but not shown: this chat service cannot receive images from tools. Describe results in text, or save figures to files.]");
            context.Result = new FunctionResult(context.Result, extracted.Text.Length > 0 ? $"{extracted.Text}\n{note}" : note);
        }
    }
}
