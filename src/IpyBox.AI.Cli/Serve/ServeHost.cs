using IpyBox.AI.Cli.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// Builds the web application of <c>ipybox serve</c>: the MCP SDK's streamable HTTP transport in stateless mode at <c>/mcp</c>
/// behind bearer-token and OAuth authentication (<see cref="ServeAuthentication"/>), <c>/healthz</c> for probes, and the tools over <see cref="PrincipalSandboxes"/>.
/// </summary>
internal static class ServeHost
{
    /// <summary>How long the host waits beyond the drain's grace period for interrupted calls to answer.</summary>
    private static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(20);

    /// <summary>Builds the service; the caller runs it.</summary>
    /// <param name="options">The service's settings.</param>
    /// <param name="container">The sandboxes' container options.</param>
    /// <param name="logLevel">The minimum level of the log on stderr.</param>
    public static WebApplication Build(ServeOptions options, ExecutionContainerOptions container, LogLevel logLevel)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);

        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddConsole(o =>
        {
            o.FormatterName = options.JsonLogs ? ConsoleFormatterNames.Json : McpLogFormatter.Name;
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        builder.Logging.Services.AddSingleton<ConsoleFormatter>(new McpLogFormatter(logLevel));
        if (options.JsonLogs)
        {
            // One JSON object per line: the message, its template's values as fields, the event id, the category and the time.
            builder.Logging.AddJsonConsole(o =>
            {
                o.JsonWriterOptions = new() { Indented = false };
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        // A line per request is the framework's Information level: too much for a service's log unless debugging.
        builder.Logging.AddFilter("Microsoft.AspNetCore", logLevel <= LogLevel.Debug ? logLevel : LogLevel.Warning);

        var telemetry = ServeTelemetry.AddTo(builder);

        // Authentication brings data protection; nothing here is protected with it, so no key is written to disk.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();

        builder.Services.AddServeAuthentication(options);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(services => new PrincipalSandboxes(container, options, services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ServeShutdown>();

        // The host waits for running calls past the drain's grace period: long enough for interrupted cells to answer.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout + ShutdownMargin);
        builder.Services
            .AddMcpServer(o => o.ServerInfo = new() { Name = "ipybox", Version = typeof(ServeHost).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" })
            .WithHttpTransport(o => o.Stateless = true)
            .WithTools<ServeTools>();

        var app = builder.Build();
        var shutdown = app.Services.GetRequiredService<ServeShutdown>();
        app.Use(shutdown.RefuseWhileStoppingAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        app.MapMcp("/mcp").RequireAuthorization();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServeHost).FullName!);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = string.Join(", ", app.Urls);
            if (options.OAuth is { } oauth)
            {
                ServeLog.ServingWithOAuth(logger, urls, string.Join(", ", oauth.Issuers), oauth.Audience, options.Tokens.Count);
            }
            else if (options.Tokens.Count > 0)
            {
                ServeLog.ServingWithTokens(logger, urls, options.Tokens.Count);
            }
            else
            {
                ServeLog.ServingOpen(logger, urls, ServeOptions.OpenPrincipal);
            }

            if (telemetry)
            {
                ServeLog.TelemetryOn(logger);
            }

            if (options.McpServers.Count > 0)
            {
                ServeLog.HostTools(logger, string.Join(", ", options.McpServers.Select(s => s.Name)));
            }
        });
        app.Lifetime.ApplicationStopped.Register(() => ServeLog.Stopped(logger));
        return app;
    }
}
