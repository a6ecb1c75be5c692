using System.Text.Json;

namespace IpyBox.AI;

/// <summary>A bridge request from the kernel, parsed defensively: every field is checked for type and size.</summary>
/// <param name="RequestId">The request's id, echoed in the answer.</param>
/// <param name="Calls">The calls to start.</param>
/// <param name="Await">The ids of the calls the kernel waits for.</param>
internal sealed record ToolBridgeRequest(long RequestId, IReadOnlyList<ToolBridgeCall> Calls, IReadOnlyList<string> Await)
{
    /// <summary>The deepest a JSON value in a call may nest, arguments or result (<c>[]</c> is one level): System.Text.Json's default.</summary>
    public const int MaxValueDepth = 64;

    // The envelope, the calls array, a call and its arguments object wrap each argument value.
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = MaxValueDepth + 4 };

    /// <summary>Parses the JSON after the marker.</summary>
    /// <exception cref="ToolBridgeRequestException">The request is malformed or too large.</exception>
    public static ToolBridgeRequest Parse(ReadOnlySpan<char> json, int maxCalls, int maxIdLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToString(), s_options);
        }
        catch (JsonException)
        {
            // Answer with the request's id when it can be read, so the kernel takes the answer as its own and stays in step.
            throw new ToolBridgeRequestException(
                LeadingRequestId(json),
                $"The tool request is not valid JSON, or its values are nested more than {MaxValueDepth} levels deep.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("rid", out var rid) || !rid.TryGetInt64(out var requestId))
            {
                throw new ToolBridgeRequestException(null, "The tool request has no request id.");
            }

            var calls = new List<ToolBridgeCall>();
            foreach (var call in Array(root, "calls", requestId, maxCalls))
            {
                if (call.ValueKind != JsonValueKind.Object)
                {
                    throw new ToolBridgeRequestException(requestId, "A call in the tool request is not an object.");
                }

                var arguments = call.TryGetProperty("args", out var args) ? args : default;
                if (arguments.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined))
                {
                    throw new ToolBridgeRequestException(requestId, "The arguments of a tool call must be an object.");
                }

                calls.Add(new ToolBridgeCall(
                    Id(call, "id", requestId, maxIdLength),
                    Text(call, "set", requestId),
                    Text(call, "tool", requestId),
                    arguments.ValueKind == JsonValueKind.Object ? arguments.Clone() : JsonDocument.Parse("{}").RootElement.Clone()));
            }

            var awaited = new List<string>();
            foreach (var id in Array(root, "await", requestId, maxCalls * 4))
            {
                if (id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } value || value.Length > maxIdLength)
                {
                    throw new ToolBridgeRequestException(requestId, "The tool request awaits an invalid call id.");
                }

                awaited.Add(value);
            }

            return new ToolBridgeRequest(requestId, calls, awaited);
        }
    }

    /// <summary>Reads <c>rid</c> when it is the first property of the envelope (the runtime writes it first), whatever follows.</summary>
    public static long? LeadingRequestId(ReadOnlySpan<char> json)
    {
        const int Window = 64;
        var head = System.Text.Encoding.UTF8.GetBytes(json[..Math.Min(json.Length, Window)].ToString());
        var reader = new Utf8JsonReader(head, isFinalBlock: json.Length <= Window, state: default);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("rid")
                && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var requestId)
                    ? requestId
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement root, string name, long requestId, int max)
    {
        if (!root.TryGetProperty(name, out var array))
        {
            return default;
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() > max)
        {
            throw new ToolBridgeRequestException(requestId, $"The tool request's '{name}' must be an array of at most {max} entries.");
        }

        return array.EnumerateArray();
    }

    private static string Id(JsonElement call, string name, long requestId, int maxLength) =>
        Text(call, name, requestId) is { Length: > 0 } id && id.Length <= maxLength
            ? id
            : throw new ToolBridgeRequestException(requestId, $"A tool call's id must be 1 to {maxLength} characters.");

    private static string Text(JsonElement call, string name, long requestId) =>
        call.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new ToolBridgeRequestException(requestId, $"A tool call has no '{name}'.");
}
