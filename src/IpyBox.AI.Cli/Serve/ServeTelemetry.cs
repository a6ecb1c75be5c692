using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// OpenTelemetry for <c>ipybox serve</c>: the library's traces and metrics (<see cref="IpyBoxTelemetry"/>), the MCP SDK's, and
/// ASP.NET Core's, exported by OTLP. On only when <see cref="EndpointVariable"/> (or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> or
/// <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>) is set; the exporter reads the other standard <c>OTEL_*</c> variables
/// (protocol, headers, timeouts), and <c>OTEL_SERVICE_NAME</c> overrides the service name.
/// </summary>
internal static class ServeTelemetry
{
    /// <summary>The standard variable that names the OTLP collector, e.g. <c>http://127.0.0.1:4317</c>.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name reported unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "ipybox-serve";

    /// <summary>The activity source and meter of the MCP C# SDK.</summary>
    public const string McpSdkSourceName = "Experimental.ModelContextProtocol";

    /// <summary>Adds tracing and metrics with the OTLP exporter when a collector is configured.</summary>
    /// <returns>Whether telemetry is on.</returns>
    public static bool AddTo(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var tracesEndpoint = Configured(configuration, EndpointVariable) ?? Configured(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        var metricsEndpoint = Configured(configuration, EndpointVariable) ?? Configured(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
        if (tracesEndpoint is null && metricsEndpoint is null)
        {
            return false;
        }

        var version = typeof(ServeTelemetry).Assembly.GetName().Version?.ToString(3);
        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService(ServiceName, serviceVersion: version));
        if (tracesEndpoint is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(IpyBoxTelemetry.SourceName, McpSdkSourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/healthz"))
                .AddOtlpExporter());
        }

        if (metricsEndpoint is not null)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(IpyBoxTelemetry.MeterName, McpSdkSourceName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        }

        return true;
    }

    private static string? Configured(ConfigurationManager configuration, string name) =>
        configuration[name] is { Length: > 0 } value ? value : Environment.GetEnvironmentVariable(name) is { Length: > 0 } env ? env : null;
}
