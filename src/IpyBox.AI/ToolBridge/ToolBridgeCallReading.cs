using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpyBox.AI;

/// <summary>What every part of the bridge that serves a <see cref="ToolBridgeCall"/> needs: its string arguments, and the answer that reports a failure.</summary>
internal static class ToolBridgeCallReading
{
    /// <summary>Reads the argument <paramref name="name"/> when it is a JSON string.</summary>
    /// <returns><see langword="true"/> when the call has it as a string; otherwise <paramref name="value"/> is empty.</returns>
    public static bool TryGetString(this ToolBridgeCall call, string name, out string value)
    {
        value = string.Empty;
        if (call.Arguments.ValueKind == JsonValueKind.Object
            && call.Arguments.TryGetProperty(name, out var element)
            && element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString()!;
            return true;
        }

        return false;
    }

    /// <summary>The answer to call <paramref name="id"/> that the sandbox's runtime raises as an error of <paramref name="kind"/>.</summary>
    public static JsonObject Failure(string id, string kind, string message) =>
        new() { ["id"] = id, ["error"] = new JsonObject { ["kind"] = kind, ["message"] = message } };
}
