namespace IpyBox.AI;

/// <summary>A tool's result holds a JSON value the kernel could not read; the call fails with a <c>ToolBridgeError</c> that gives the reason.</summary>
internal sealed class ToolResultUnreadableException(string message) : Exception(message);
