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

    /// <summary>
    /// Gets the images of the result of an IpyBox function as Semantic Kernel <see cref="ImageContent"/> (bytes and media type),
    /// in the order the code displayed them.
    /// </summary>
    /// <param name="result">The function result, e.g. of <c>kernel.InvokeAsync(plugin["execute_python"], ...)</c>.</param>
    /// <returns>The images; empty when the result has none.</returns>
    public static IReadOnlyList<ImageContent> GetImageContents(this FunctionResult result) =>
        [.. result.ToKernelContents().OfType<ImageContent>()];

    /// <summary>
    /// Wraps the result of an IpyBox function in a chat message (text and <see cref="ImageContent"/> items, as
    /// <see cref="ToKernelContents"/>), ready to add to a <see cref="ChatHistory"/> for a chat service that takes images in messages.
    /// </summary>
    /// <param name="result">The function result.</param>
    /// <param name="role">The author of the message; <see cref="AuthorRole.User"/> when <see langword="null"/>, since chat services take images from users.</param>
    /// <returns>The message.</returns>
    public static ChatMessageContent ToChatMessageContent(this FunctionResult result, AuthorRole? role = null) =>
        new(role ?? AuthorRole.User, result.ToKernelContents());
}
