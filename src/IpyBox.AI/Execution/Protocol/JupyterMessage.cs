using System.Text.Json;

namespace IpyBox.AI;

/// <summary>A message received from a kernel over the Jupyter Server WebSocket.</summary>
/// <param name="Channel">The channel: <c>iopub</c>, <c>shell</c>, <c>stdin</c> or <c>control</c>.</param>
/// <param name="MessageType">The message type, e.g. <c>stream</c>, <c>input_request</c> or <c>comm_msg</c>.</param>
/// <param name="ParentId">The id of the request this message answers, or <see langword="null"/>.</param>
/// <param name="Content">The message content.</param>
public sealed record JupyterMessage(string Channel, string MessageType, string? ParentId, JsonElement Content)
{
    // Outputs may be nested deeply (an application/json display of a deep tree): the frame's size bounds the depth, which the
    // parser walks without recursion, so no depth is refused; the default of 64 dropped such outputs.
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = int.MaxValue };

    /// <summary>Gets the message's header (<c>msg_id</c>, <c>msg_type</c>, <c>session</c>, ...), needed to answer it.</summary>
    public JsonElement Header { get; init; }

    /// <summary>Gets the message's own id, or <see langword="null"/> when its header has none.</summary>
    public string? MessageId =>
        Header.ValueKind == JsonValueKind.Object && Header.TryGetProperty("msg_id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    /// <summary>Parses a text frame. Returns <see langword="null"/> for frames that are not Jupyter messages.</summary>
    /// <exception cref="JsonException">The frame is not JSON.</exception>
    internal static JupyterMessage? Parse(string frame) => Parse(System.Text.Encoding.UTF8.GetBytes(frame));

    /// <summary>Parses a text frame given as UTF-8. Returns <see langword="null"/> for frames that are not Jupyter messages.</summary>
    /// <exception cref="JsonException">The frame is not JSON.</exception>
    internal static JupyterMessage? Parse(ReadOnlyMemory<byte> frame)
    {
        using var document = JsonDocument.Parse(frame, s_options);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("header", out var header)
            || !header.TryGetProperty("msg_type", out var type)
            || type.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var channel = root.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : string.Empty;
        string? parentId = null;
        if (root.TryGetProperty("parent_header", out var parent)
            && parent.ValueKind == JsonValueKind.Object
            && parent.TryGetProperty("msg_id", out var id)
            && id.ValueKind == JsonValueKind.String)
        {
            parentId = id.GetString();
        }

        var content = root.TryGetProperty("content", out var body) ? body.Clone() : default;
        return new JupyterMessage(channel, type.GetString()!, parentId, content) { Header = header.Clone() };
    }

    /// <summary>Gets a string property of the content, or <see langword="null"/>.</summary>
    /// <param name="name">The property name.</param>
    /// <returns>The value, or <see langword="null"/> when the content has no such string.</returns>
    public string? GetString(string name) =>
        Content.ValueKind == JsonValueKind.Object && Content.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
