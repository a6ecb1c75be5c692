using System.Text.Json.Nodes;

namespace IpyBox.AI.Tests;

/// <summary>Builds kernel message frames as the Jupyter Server sends them.</summary>
internal static class Frames
{
    // A 3x2 PNG (red pixels), enough for the header to be read.
    public const string TinyPng = "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEElEQVR4nGP4z8AAQQxwFgBB0gX7h/C5SAAAAABJRU5ErkJggg==";

    public static string Stream(string parent, string name, string text) =>
        Message("iopub", "stream", parent, new JsonObject { ["name"] = name, ["text"] = text });

    public static string Status(string parent, string state) =>
        Message("iopub", "status", parent, new JsonObject { ["execution_state"] = state });

    public static string Reply(string parent, string status = "ok", int count = 1) =>
        Message("shell", "execute_reply", parent, new JsonObject { ["status"] = status, ["execution_count"] = count });

    public static string Result(string parent, JsonObject data, int count = 1) =>
        Message("iopub", "execute_result", parent, new JsonObject { ["data"] = data, ["metadata"] = new JsonObject(), ["execution_count"] = count });

    public static string Display(string parent, JsonObject data) =>
        Message("iopub", "display_data", parent, new JsonObject { ["data"] = data, ["metadata"] = new JsonObject() });

    public static string Error(string parent, string name, string value, params string[] traceback) =>
        Message("iopub", "error", parent, new JsonObject
        {
            ["ename"] = name,
            ["evalue"] = value,
            ["traceback"] = new JsonArray([.. traceback.Select(l => (JsonNode?)JsonValue.Create(l))]),
        });

    public static JupyterMessage Parse(string frame) => JupyterMessage.Parse(frame)!;

    private static string Message(string channel, string type, string parent, JsonObject content) =>
        new JsonObject
        {
            ["header"] = new JsonObject { ["msg_id"] = Guid.NewGuid().ToString("N"), ["msg_type"] = type },
            ["parent_header"] = new JsonObject { ["msg_id"] = parent },
            ["metadata"] = new JsonObject(),
            ["content"] = content,
            ["channel"] = channel,
        }.ToJsonString();
}
