using Microsoft.Extensions.Logging;

namespace IpyBox.AI.Cli.Serve;

/// <summary>Every log message of <c>ipybox serve</c>, in one place. Tokens, code and outputs are never logged here.</summary>
internal static partial class ServeLog
{
    [LoggerMessage(101, LogLevel.Information, "Sandbox {SandboxId} created for {Principal}.")]
    public static partial void SandboxCreated(ILogger logger, string principal, string sandboxId);

    [LoggerMessage(102, LogLevel.Information, "Sandbox {SandboxId} of {Principal} deleted.")]
    public static partial void SandboxDeleted(ILogger logger, string principal, string sandboxId);

    [LoggerMessage(103, LogLevel.Warning, "Sandbox {SandboxId} was created but could not be kept attached; its first call attaches again.")]
    public static partial void CacheFailed(ILogger logger, string sandboxId, Exception exception);

    [LoggerMessage(104, LogLevel.Information, "Serving MCP on {Urls} (endpoint /mcp, health /healthz) for {Count} principals with bearer tokens.")]
    public static partial void ServingWithTokens(ILogger logger, string urls, int count);

    [LoggerMessage(105, LogLevel.Warning, "Serving MCP on {Urls} without tokens: every loopback client is the principal '{Principal}'. Give --tokens-file or IPYBOX_SERVE_TOKENS to tell clients apart.")]
    public static partial void ServingOpen(ILogger logger, string urls, string principal);

    [LoggerMessage(107, LogLevel.Information, "Serving MCP on {Urls} (endpoint /mcp, health /healthz) for OAuth access tokens of {Issuers} for the resource {Audience}, and {Count} principals with bearer tokens.")]
    public static partial void ServingWithOAuth(ILogger logger, string urls, string issuers, string audience, int count);

    [LoggerMessage(106, LogLevel.Warning, "Tool {Tool} failed for {Principal}.")]
    public static partial void ToolFailed(ILogger logger, string tool, string principal, Exception exception);

    [LoggerMessage(120, LogLevel.Information, "OpenTelemetry on: traces and metrics go to the OTLP endpoint of the OTEL_EXPORTER_OTLP_* variables.")]
    public static partial void TelemetryOn(ILogger logger);

    [LoggerMessage(121, LogLevel.Information, "Host tools: code in every sandbox can import the tools of the MCP servers {Servers} as mcptools.<name>.")]
    public static partial void HostTools(ILogger logger, string servers);

    [LoggerMessage(122, LogLevel.Information, "Stopping: new calls are refused with 503; running cells have {Seconds} s to finish before they are interrupted.")]
    public static partial void Draining(ILogger logger, double seconds);

    [LoggerMessage(123, LogLevel.Warning, "A {Tool} call of {Principal} was interrupted because the service is stopping.")]
    public static partial void InterruptedByStop(ILogger logger, string tool, string principal);

    [LoggerMessage(124, LogLevel.Information, "Stopped; the sandboxes stay on the engine for their leases.")]
    public static partial void Stopped(ILogger logger);
}
