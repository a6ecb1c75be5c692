using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpyBox.AI;

/// <summary>Builds request frames for the Jupyter Server WebSocket.</summary>
internal static class JupyterRequest
{
    private const string ProtocolVersion = "5.3";

    /// <summary>Creates an <c>execute_request</c> on the shell channel; a silent one leaves no trace in history, outputs or the execution count.</summary>
    public static (string MessageId, string Frame) Execute(string sessionId, string code, bool allowStdin, bool silent = false) =>
        Create(sessionId, "shell", "execute_request", new JsonObject
        {
            ["code"] = code,
            ["silent"] = silent,
            ["store_history"] = !silent,
            ["user_expressions"] = new JsonObject(),
            ["allow_stdin"] = allowStdin,
            // Each execution stands alone: an error (or an interrupt) must not abort requests already queued behind it.
            ["stop_on_error"] = false,
        });

    /// <summary>Creates a <c>kernel_info_request</c> on the shell channel.</summary>
    public static (string MessageId, string Frame) KernelInfo(string sessionId) =>
        Create(sessionId, "shell", "kernel_info_request", new JsonObject());

    /// <summary>Creates a message of any type on <paramref name="channel"/>, answering <paramref name="parentHeader"/> when given.</summary>
    public static (string MessageId, string Frame) Create(string sessionId, string channel, string type, JsonObject content, System.Text.Json.JsonElement? parentHeader = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var message = new JsonObject
        {
            ["header"] = new JsonObject
            {
                ["msg_id"] = id,
                ["msg_type"] = type,
                ["session"] = sessionId,
                ["username"] = "ipybox",
                ["date"] = DateTimeOffset.UtcNow.ToString("O"),
                ["version"] = ProtocolVersion,
            },
            ["parent_header"] = parentHeader is { ValueKind: JsonValueKind.Object } parent ? JsonNode.Parse(parent.GetRawText()) : new JsonObject(),
            ["metadata"] = new JsonObject(),
            ["content"] = content,
            ["channel"] = channel,
            ["buffers"] = new JsonArray(),
        };
        return (id, message.ToJsonString(JsonSerializerOptions.Default));
    }
}
