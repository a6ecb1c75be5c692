using Microsoft.Extensions.Logging;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>Every log message of the MCP server, in one place. Logs go to stderr; the tools log through the library.</summary>
internal static partial class McpLog
{
    [LoggerMessage(1, LogLevel.Information, "Starting the sandbox container in the background.")]
    public static partial void StartingSandbox(ILogger logger);

    [LoggerMessage(2, LogLevel.Information, "Sandbox ready in {Seconds:0.0} s: container {ContainerId}.")]
    public static partial void SandboxReady(ILogger logger, double seconds, string containerId);

    [LoggerMessage(3, LogLevel.Error, "The sandbox could not be started; the next tool call tries again and reports the error.")]
    public static partial void SandboxFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Removing the sandbox container.")]
    public static partial void StoppingSandbox(ILogger logger);

    [LoggerMessage(7, LogLevel.Information, "Image: {Line}")]
    public static partial void ImageProgress(ILogger logger, string line);

    [LoggerMessage(9, LogLevel.Information, "Firewall on; the sandbox may reach only: {Allowed}")]
    public static partial void FirewallOn(ILogger logger, string allowed);

    [LoggerMessage(10, LogLevel.Warning, "Firewall: {Warning}")]
    public static partial void FirewallWarning(ILogger logger, string warning);

    [LoggerMessage(12, LogLevel.Information, "Network off (--network none): the sandbox has no outbound access, not even DNS.")]
    public static partial void NetworkDisabled(ILogger logger);

    [LoggerMessage(13, LogLevel.Information, "Firewall off: the sandbox may reach any destination; restrict it with --allowed-domain or --network none.")]
    public static partial void FirewallOff(ILogger logger);
}
