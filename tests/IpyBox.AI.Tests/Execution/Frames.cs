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

    /// <summary>The <c>clear_output</c> message of <c>IPython.display.clear_output(wait)</c>.</summary>
    public static string ClearOutput(string parent, bool wait) =>
        Message("iopub", "clear_output", parent, new JsonObject { ["wait"] = wait });

    /// <summary>A status the server sends on its own (a kernel restarting or dead): it answers no request.</summary>
    public static string ServerStatus(string state) =>
        Message("iopub", "status", parent: null, new JsonObject { ["execution_state"] = state });

    /// <summary>A kernel_info_reply on the shell channel.</summary>
    public static string KernelInfoReply(string parent) =>
        Message("shell", "kernel_info_reply", parent, new JsonObject { ["status"] = "ok" });

    /// <summary>The stdin request of <c>input(prompt)</c> in a cell.</summary>
    public static string InputRequest(string parent, string prompt) =>
        Message("stdin", "input_request", parent, new JsonObject { ["prompt"] = prompt, ["password"] = false });

    /// <summary>A comm message from the kernel.</summary>
    public static string CommMessage(string parent, string commId, JsonObject data) =>
        Message("iopub", "comm_msg", parent, new JsonObject { ["comm_id"] = commId, ["data"] = data });

    public static JupyterMessage Parse(string frame) => JupyterMessage.Parse(frame)!;

    private static string Message(string channel, string type, string? parent, JsonObject content) =>
        new JsonObject
        {
            ["header"] = new JsonObject { ["msg_id"] = Guid.NewGuid().ToString("N"), ["msg_type"] = type },
            ["parent_header"] = parent is null ? new JsonObject() : new JsonObject { ["msg_id"] = parent },
            ["metadata"] = new JsonObject(),
            ["content"] = content,
            ["channel"] = channel,
        }.ToJsonString();
}
