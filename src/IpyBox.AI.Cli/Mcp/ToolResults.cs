using System.Text;
using ModelContextProtocol.Protocol;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>Turns execution outcomes into MCP tool results: text blocks, image blocks, and error results.</summary>
internal static class ToolResults
{
    public static CallToolResult Success(ExecutionResult result) => new()
    {
        Content = [new TextContentBlock { Text = result.Text ?? string.Empty }, .. Images(result)],
    };

    public static CallToolResult Success(string text) => new()
    {
        Content = [new TextContentBlock { Text = text }],
    };

    /// <summary>A Python error: the output produced before it, then the traceback.</summary>
    public static CallToolResult PythonError(ExecutionException error)
    {
        var text = new StringBuilder();
        if (error.Result?.Text is { Length: > 0 } output)
        {
            text.Append(output).Append("\n\n");
        }

        text.Append(error.Trace.Length > 0 ? error.Trace : error.Message);
        return new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock { Text = text.ToString() }, .. error.Result is null ? [] : Images(error.Result)],
        };
    }

    public static CallToolResult Error(string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = message }],
    };

    private static IEnumerable<ContentBlock> Images(ExecutionResult result) =>
        result.Images.Select(image => (ContentBlock)ImageContentBlock.FromBytes(image.Data, image.MediaType));
}
