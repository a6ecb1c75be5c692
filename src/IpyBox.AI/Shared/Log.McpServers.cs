using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Log messages of the MCP server connections behind the tool bridge (event ids 460-479).</summary>
internal static partial class Log
{
    [LoggerMessage(460, LogLevel.Information, "Connected to MCP server {Server} ({Transport}): {ToolCount} tools.")]
    public static partial void McpServerConnected(ILogger logger, string server, McpServerTransportKind transport, int toolCount);

    [LoggerMessage(461, LogLevel.Debug, "MCP server {Server} stderr: {Line}")]
    public static partial void McpServerStderr(ILogger logger, string server, string line);

    [LoggerMessage(462, LogLevel.Warning, "Could not connect to MCP server {Server}.")]
    public static partial void McpServerConnectFailed(ILogger logger, string server, Exception exception);

    [LoggerMessage(463, LogLevel.Information, "Disconnected from MCP server {Server}.")]
    public static partial void McpServerDisconnected(ILogger logger, string server);
}
