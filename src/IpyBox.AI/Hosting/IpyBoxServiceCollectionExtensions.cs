using IpyBox.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers IpyBox services.</summary>
public static class IpyBoxServiceCollectionExtensions
{
    /// <summary>
    /// Adds the per-conversation sandboxes (<see cref="SandboxSessionManager"/>, a singleton that removes every sandbox
    /// it created when the service provider is disposed), the tool actions (<see cref="SandboxTools"/>) and the AI tools
    /// (<see cref="IpyBoxPlugin"/>, not bound to a conversation). Sandboxes come from the registered
    /// <see cref="ISandboxProvider"/>; unless one is registered, a <see cref="DockerSandboxProvider"/> made from
    /// <see cref="IpyBoxOptions.Container"/> and <see cref="IpyBoxOptions.Client"/>. Options are validated when the host starts
    /// (<c>ValidateOnStart</c>) and when the manager is first resolved. Also registers the health check <c>ipybox</c>
    /// (<see cref="IpyBoxHealthCheck"/>: the Docker engine and the image). Tool calls are traced under
    /// <see cref="IpyBoxTelemetry.SourceName"/>; <c>UseOpenTelemetry()</c> adds spans and metrics of the sandboxes.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; may be called once per <c>AddIpyBox</c> call.</param>
    /// <returns>A builder for further configuration.</returns>
    public static IpyBoxBuilder AddIpyBox(this IServiceCollection services, Action<IpyBoxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Invalid options fail the host's start instead of the first tool call.
        services.AddOptions<IpyBoxOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IpyBoxOptions>, IpyBoxOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISandboxProvider>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<IpyBoxOptions>>().Value;
            return new DockerSandboxProvider(options.Container, options.Client, sp.GetService<ILoggerFactory>());
        });
        services.TryAddSingleton(sp => new SandboxSessionManager(
            sp.GetRequiredService<ISandboxProvider>(),
            sp.GetRequiredService<IOptions<IpyBoxOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new SandboxTools(sp.GetRequiredService<SandboxSessionManager>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<SandboxSessionManager>().CreatePlugin());
        if (!services.Any(d => d.ServiceType == typeof(IpyBoxHealthCheck)))
        {
            services.AddSingleton<IpyBoxHealthCheck>();
            services.AddHealthChecks().AddCheck<IpyBoxHealthCheck>("ipybox", tags: ["ipybox"]);
        }

        return new IpyBoxBuilder(services);
    }
}
