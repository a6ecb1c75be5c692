using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpyBox.AI;

/// <summary>Adds OpenTelemetry tracing and metrics of the sandboxes to <c>AddIpyBox</c>.</summary>
public static class OpenTelemetryBuilderExtensions
{
    /// <summary>
    /// Wraps the registered <see cref="ISandboxProvider"/> in an <see cref="OpenTelemetrySandboxProvider"/>: sandbox starts,
    /// executions and file calls become spans of the <see cref="IpyBoxTelemetry.SourceName"/> source and measurements of the
    /// <see cref="IpyBoxTelemetry.MeterName"/> meter. Code and outputs are recorded only with
    /// <see cref="IpyBoxOptions.EnableSensitiveTelemetryData"/>. Calling it again changes nothing.
    /// </summary>
    /// <param name="builder">The builder from <c>AddIpyBox</c>.</param>
    /// <param name="configure">Adjusts the provider after it is created; <see langword="null"/> for none.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No <see cref="ISandboxProvider"/> is registered.</exception>
    public static IpyBoxBuilder UseOpenTelemetry(this IpyBoxBuilder builder, Action<OpenTelemetrySandboxProvider>? configure = null)
    {
        Throw.IfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(OpenTelemetrySandboxProvider) && !d.IsKeyedService))
        {
            return builder;
        }

        services.DecorateSandboxProvider(nameof(UseOpenTelemetry), (sp, inner) =>
        {
            var provider = new OpenTelemetrySandboxProvider(inner)
            {
                EnableSensitiveData = sp.GetRequiredService<IOptions<IpyBoxOptions>>().Value.EnableSensitiveTelemetryData,
            };
            configure?.Invoke(provider);
            return provider;
        });
        return builder;
    }
}
