using Microsoft.Extensions.Logging;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>Every log message of the MCP server, in one place. Logs go to stderr.</summary>
internal static partial class McpLog
{
    [LoggerMessage(1, LogLevel.Information, "Starting the sandbox container in the background.")]
    public static partial void StartingSandbox(ILogger logger);

    [LoggerMessage(2, LogLevel.Information, "Sandbox ready in {Seconds:0.0} s: container {ContainerId}.")]
    public static partial void SandboxReady(ILogger logger, double seconds, string containerId);

    [LoggerMessage(3, LogLevel.Error, "The sandbox could not be started; every tool call will report this error.")]
    public static partial void SandboxFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Removing the sandbox container.")]
    public static partial void StoppingSandbox(ILogger logger);

    [LoggerMessage(5, LogLevel.Information, "Kernel reset.")]
    public static partial void KernelReset(ILogger logger);

    [LoggerMessage(6, LogLevel.Warning, "Refused host path: {Reason}")]
    public static partial void PathRefused(ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Information, "Image: {Line}")]
    public static partial void ImageProgress(ILogger logger, string line);

    [LoggerMessage(8, LogLevel.Debug, "Tool {Tool} called.")]
    public static partial void ToolCalled(ILogger logger, string tool);

    [LoggerMessage(11, LogLevel.Warning, "A tool call failed.")]
    public static partial void ToolFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "Firewall on; the sandbox may reach only: {Allowed}")]
    public static partial void FirewallOn(ILogger logger, string allowed);

    [LoggerMessage(10, LogLevel.Warning, "Firewall: {Warning}")]
    public static partial void FirewallWarning(ILogger logger, string warning);
}
