using IpyBox.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers IpyBox services.</summary>
public static class IpyBoxServiceCollectionExtensions
{
    /// <summary>
    /// Adds the per-conversation sandboxes (<see cref="SandboxSessionManager"/>, a singleton that removes every container
    /// it created when the service provider is disposed) and the tools (<see cref="IpyBoxPlugin"/>, not bound to a
    /// conversation). Options are validated when the manager is first resolved.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; may be called once per <c>AddIpyBox</c> call.</param>
    /// <returns>A builder for further configuration.</returns>
    public static IpyBoxBuilder AddIpyBox(this IServiceCollection services, Action<IpyBoxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<IpyBoxOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IpyBoxOptions>, IpyBoxOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SandboxSessionManager(
            sp.GetRequiredService<IOptions<IpyBoxOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<SandboxSessionManager>().CreatePlugin());
        return new IpyBoxBuilder(services);
    }
}
