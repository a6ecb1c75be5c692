using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpyBox.AI;

/// <summary>Builds request frames for the Jupyter Server WebSocket.</summary>
internal static class JupyterRequest
{
    private const string ProtocolVersion = "5.3";

    /// <summary>Creates an <c>execute_request</c> on the shell channel.</summary>
    public static (string MessageId, string Frame) Execute(string sessionId, string code) =>
        Create(sessionId, "execute_request", new JsonObject
        {
            ["code"] = code,
            ["silent"] = false,
            ["store_history"] = true,
            ["user_expressions"] = new JsonObject(),
            ["allow_stdin"] = false,
            // Each execution stands alone: an error (or an interrupt) must not abort requests already queued behind it.
            ["stop_on_error"] = false,
        });

    /// <summary>Creates a <c>kernel_info_request</c> on the shell channel.</summary>
    public static (string MessageId, string Frame) KernelInfo(string sessionId) =>
        Create(sessionId, "kernel_info_request", new JsonObject());

    private static (string MessageId, string Frame) Create(string sessionId, string type, JsonObject content)
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
            ["parent_header"] = new JsonObject(),
            ["metadata"] = new JsonObject(),
            ["content"] = content,
            ["channel"] = "shell",
            ["buffers"] = new JsonArray(),
        };
        return (id, message.ToJsonString(JsonSerializerOptions.Default));
    }
}
