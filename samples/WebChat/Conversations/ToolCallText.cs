using System.Text.Json;
using Microsoft.Extensions.AI;

/// <summary>What the page shows of a tool call and its result: the code (or the arguments) and the result's text.</summary>
internal static class ToolCallText
{
    /// <summary>The code of an <c>execute_python</c> call, the packages of an <c>install_packages</c> call, the arguments as JSON otherwise.</summary>
    public static string Of(FunctionCallContent call)
    {
        var arguments = call.Arguments ?? new Dictionary<string, object?>();
        foreach (var name in (string[])["code", "packages"])
        {
            if (arguments.TryGetValue(name, out var value) && TextOf(value) is { } text)
            {
                return text;
            }
        }

        return JsonSerializer.Serialize(arguments, AIJsonUtilities.DefaultOptions);
    }

    /// <summary>The text of a tool's result, with a line for each image it carries (the page shows images as the cell draws them).</summary>
    public static string OfResult(object? result) => result switch
    {
        null => string.Empty,
        IEnumerable<AIContent> contents => string.Join('\n', contents.Select(c => c switch
        {
            TextContent t => t.Text,
            DataContent d => $"[{d.MediaType}]",
            _ => string.Empty,
        }).Where(t => t.Length > 0)),
        _ => TextOf(result) ?? JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions),
    };

    private static string? TextOf(object? value) => value switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        _ => null,
    };
}
