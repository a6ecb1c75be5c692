using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace IpyBox.AI;

/// <summary>Converts the tools' results into Semantic Kernel content.</summary>
public static class KernelContentExtensions
{
    /// <summary>
    /// Converts the result of an IpyBox function (text and image <see cref="DataContent"/>) into Semantic Kernel content:
    /// <see cref="Microsoft.SemanticKernel.TextContent"/> and <see cref="ImageContent"/> with the media type.
    /// </summary>
    /// <param name="result">The function result, e.g. of <c>kernel.InvokeAsync(plugin["execute_python"], ...)</c>.</param>
    /// <returns>The items, in order; a single text item for a plain string result.</returns>
    public static ChatMessageContentItemCollection ToKernelContents(this FunctionResult result)
    {
        Throw.IfNull(result);
        var items = new ChatMessageContentItemCollection();
        switch (result.GetValue<object>())
        {
            case IEnumerable<AIContent> contents:
                foreach (var content in contents)
                {
                    switch (content)
                    {
                        case DataContent data when data.HasTopLevelMediaType("image"):
                            items.Add(new ImageContent(data.Data, data.MediaType));
                            break;
                        case Microsoft.Extensions.AI.TextContent text:
                            items.Add(new Microsoft.SemanticKernel.TextContent(text.Text));
                            break;
                        default:
                            items.Add(new Microsoft.SemanticKernel.TextContent(content.ToString()));
                            break;
                    }
                }

                break;
            case { } other:
                items.Add(new Microsoft.SemanticKernel.TextContent(other.ToString()));
                break;
        }

        return items;
    }
}
