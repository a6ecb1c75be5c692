using System.Text.Json;

namespace IpyBox.AI;

/// <summary>One call in a bridge request: its id (chosen by the kernel), the set's package name, the function name and the arguments.</summary>
internal sealed record ToolBridgeCall(string Id, string SetName, string ToolName, JsonElement Arguments);
