using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>
/// Turns what a tool returned into the bridge's value encoding, which the kernel-side runtime decodes:
/// <c>{"none": true}</c>, <c>{"text": str}</c>, <c>{"json": value}</c>, <c>{"image": {"mime", "data"}}</c>,
/// <c>{"bytes": {"mime", "data"}}</c> or <c>{"list": [...]}</c>.
/// </summary>
/// <remarks>
/// Strings and text contents become <c>str</c>; several contents that are all text are joined with newlines into one
/// <c>str</c>, a mix becomes a list. An MCP <c>CallToolResult</c> (what an MCP client tool returns as JSON when it carries
/// structured content or an error) gives its <c>structuredContent</c> as Python objects, else its content blocks as above;
/// with <c>isError</c> the call fails with the blocks' text. Any other value is serialised to JSON and becomes Python objects.
/// A JSON value the kernel could not read is refused: nested more than <see cref="ToolBridgeRequest.MaxValueDepth"/> levels,
/// or an integer of more than <see cref="PythonLiteral.MaxIntegerDigits"/> digits (Python's limit for reading one).
/// </remarks>
internal static class ToolResultEncoder
{
    /// <summary>Encodes <paramref name="result"/>.</summary>
    /// <exception cref="ToolCallFailedException">The result reports a tool error.</exception>
    /// <exception cref="ToolResultUnreadableException">The result holds a JSON value the kernel could not read.</exception>
    public static JsonObject Encode(object? result, JsonSerializerOptions serializerOptions) => result switch
    {
        null => None(),
        string text => Text(text),
        JsonElement element => FromJson(element),
        JsonNode node => FromJson(JsonSerializer.SerializeToElement(node, s_deepOptions)),
        AIContent content => FromContent(content, serializerOptions),
        IEnumerable<AIContent> contents => FromContents([.. contents.Select(c => FromContent(c, serializerOptions))]),
        _ => FromJson(JsonSerializer.SerializeToElement(result, serializerOptions.GetTypeInfo(result.GetType()))),
    };

    private static readonly JsonSerializerOptions s_deepOptions = new(AIJsonUtilities.DefaultOptions) { MaxDepth = 4 * ToolBridgeRequest.MaxValueDepth };

    private static JsonObject None() => new() { ["none"] = true };

    private static JsonObject Text(string text) => new() { ["text"] = text };

    private static JsonObject Binary(string kind, string mediaType, string base64) =>
        new() { [kind] = new JsonObject { ["mime"] = mediaType, ["data"] = base64 } };

    private static JsonObject FromJson(JsonElement element)
    {
        if (IsCallToolResult(element))
        {
            return FromCallToolResult(element);
        }

        return element.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => None(),
            JsonValueKind.String => Text(element.GetString()!),
            _ => Json(element),
        };
    }

    private static JsonObject FromContents(IReadOnlyList<JsonObject> items)
    {
        if (items.Count == 0)
        {
            return None();
        }

        if (items.Count == 1)
        {
            return items[0];
        }

        if (items.All(item => item.ContainsKey("text")))
        {
            return Text(string.Join("\n", items.Select(item => (string?)item["text"])));
        }

        return new JsonObject { ["list"] = new JsonArray([.. items]) };
    }

    private static JsonObject FromContent(AIContent content, JsonSerializerOptions serializerOptions) => content switch
    {
        TextContent text => Text(text.Text),
        DataContent data => Binary(data.HasTopLevelMediaType("image") ? "image" : "bytes", data.MediaType, Convert.ToBase64String(data.Data.Span)),
        UriContent uri => Text(uri.Uri.ToString()),
        ErrorContent error => throw new ToolCallFailedException(error.Message),
        _ => FromJson(JsonSerializer.SerializeToElement(content, serializerOptions.GetTypeInfo(typeof(AIContent)))),
    };

    private static bool IsCallToolResult(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("content", out var content)
        && content.ValueKind == JsonValueKind.Array
        && content.EnumerateArray().All(block => block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String);

    private static JsonObject FromCallToolResult(JsonElement result)
    {
        var blocks = result.GetProperty("content").EnumerateArray().ToList();
        if (result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True)
        {
            var message = string.Join("\n", blocks.Select(block => StringOf(block, "text")).OfType<string>());
            throw new ToolCallFailedException(message.Length > 0 ? message : "The tool reported an error without a message.");
        }

        if (result.TryGetProperty("structuredContent", out var structured) && structured.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            return Json(structured);
        }

        return FromContents([.. blocks.Select(FromBlock)]);
    }

    private static JsonObject FromBlock(JsonElement block)
    {
        switch (StringOf(block, "type"))
        {
            case "text":
                return Text(StringOf(block, "text") ?? string.Empty);
            case "image" or "audio" when StringOf(block, "data") is { } data:
                var mime = StringOf(block, "mimeType") ?? "application/octet-stream";
                return Binary(StringOf(block, "type") == "image" ? "image" : "bytes", mime, data);
            case "resource" when block.TryGetProperty("resource", out var resource) && resource.ValueKind == JsonValueKind.Object:
                if (StringOf(resource, "text") is { } text)
                {
                    return Text(text);
                }

                if (StringOf(resource, "blob") is { } blob)
                {
                    var resourceMime = StringOf(resource, "mimeType") ?? "application/octet-stream";
                    return Binary(resourceMime.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? "image" : "bytes", resourceMime, blob);
                }

                break;
            case "resource_link" when StringOf(block, "uri") is { } uri:
                return Text(uri);
        }

        return Json(block);
    }

    private static JsonObject Json(JsonElement element)
    {
        if (Unreadable(element, 1) is { } reason)
        {
            throw new ToolResultUnreadableException(reason);
        }

        return new JsonObject { ["json"] = JsonNode.Parse(element.GetRawText()) };
    }

    /// <summary>Says why the kernel could not read <paramref name="element"/>, found at nesting level <paramref name="level"/>, or returns <see langword="null"/>.</summary>
    private static string? Unreadable(JsonElement element, int level)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array or JsonValueKind.Object when level > ToolBridgeRequest.MaxValueDepth:
                return $"it is nested more than {ToolBridgeRequest.MaxValueDepth} levels deep";
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(item => Unreadable(item, level + 1)).FirstOrDefault(reason => reason is not null);
            case JsonValueKind.Object:
                return element.EnumerateObject().Select(property => Unreadable(property.Value, level + 1)).FirstOrDefault(reason => reason is not null);
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                var digits = raw.StartsWith('-') ? raw.Length - 1 : raw.Length;
                return digits > PythonLiteral.MaxIntegerDigits && raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0
                    ? $"it holds an integer of {digits} digits; Python reads at most {PythonLiteral.MaxIntegerDigits}"
                    : null;
            default:
                return null;
        }
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
