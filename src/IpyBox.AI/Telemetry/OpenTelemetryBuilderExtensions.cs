using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpyBox.AI;

/// <summary>Adds OpenTelemetry tracing and metrics of the sandboxes to <c>AddIpyBox</c>.</summary>
public static class OpenTelemetryBuilderExtensions
{
    /// <summary>
    /// Adds an <see cref="OpenTelemetrySandboxProvider"/> to the sandbox provider's decorators
    /// (<see cref="IpyBoxBuilder.UseSandboxProvider(Func{ISandboxProvider, IServiceProvider, ISandboxProvider})"/>), around the
    /// backend and the decorators added before it; it is also resolvable as <see cref="OpenTelemetrySandboxProvider"/>. Sandbox starts,
    /// executions and file calls become spans of the <see cref="IpyBoxTelemetry.SourceName"/> source and measurements of the
    /// <see cref="IpyBoxTelemetry.MeterName"/> meter. Code and outputs are recorded only with
    /// <see cref="IpyBoxOptions.EnableSensitiveTelemetryData"/>. Calling it again changes nothing.
    /// </summary>
    /// <param name="builder">The builder from <c>AddIpyBox</c>.</param>
    /// <param name="configure">Adjusts the provider after it is created; <see langword="null"/> for none.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// The <see cref="ISandboxProvider"/> registration of <c>AddIpyBox</c> was removed, or another one was registered after it.
    /// </exception>
    public static IpyBoxBuilder UseOpenTelemetry(this IpyBoxBuilder builder, Action<OpenTelemetrySandboxProvider>? configure = null)
    {
        Throw.IfNull(builder);
        builder.UseResolvableSandboxProvider(
            (inner, sp) =>
            {
                var provider = new OpenTelemetrySandboxProvider(inner)
                {
                    EnableSensitiveData = sp.GetRequiredService<IOptions<IpyBoxOptions>>().Value.EnableSensitiveTelemetryData,
                };
                configure?.Invoke(provider);
                return provider;
            },
            nameof(UseOpenTelemetry));
        return builder;
    }
}
