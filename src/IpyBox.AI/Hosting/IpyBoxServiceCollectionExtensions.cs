using IpyBox.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers IpyBox services.</summary>
public static class IpyBoxServiceCollectionExtensions
{
    /// <summary>
    /// Adds the per-conversation sandboxes (<see cref="SandboxSessionManager"/>, a singleton that removes every sandbox
    /// it created when the service provider is disposed), the tool actions (<see cref="SandboxTools"/>) and the AI tools
    /// (<see cref="IpyBoxPlugin"/>, not bound to a conversation). Sandboxes come from the <see cref="ISandboxProvider"/> that
    /// <see cref="IpyBoxBuilder"/> composes: a backend (an <see cref="ISandboxProvider"/> registered before this call,
    /// <see cref="IpyBoxBuilder.WithSandboxBackend"/>, or else a <see cref="DockerSandboxProvider"/> made from
    /// <see cref="IpyBoxOptions.Container"/> and <see cref="IpyBoxOptions.Client"/>), then the decorators added with
    /// <see cref="IpyBoxBuilder.UseSandboxProvider(Func{ISandboxProvider, IServiceProvider, ISandboxProvider})"/>, <c>UseWarmPool</c>
    /// or <c>UseOpenTelemetry</c>. Options are validated when the host starts (<c>ValidateOnStart</c>) and when the manager is
    /// first resolved. Unless <see cref="IpyBoxOptions.DisableHealthChecks"/> is set, also registers the health check
    /// <c>ipybox</c> (<see cref="IpyBoxHealthCheck"/>: the Docker engine and the image). Tool calls are traced under
    /// <see cref="IpyBoxTelemetry.SourceName"/>; <c>UseOpenTelemetry()</c> adds spans and metrics of the sandboxes. Calling it
    /// again adds only the configuration: every call's builder composes the same provider.
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

        var pipeline = SandboxProviderPipeline.GetOrAdd(services, out var created);
        if (created)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IpyBoxOptions>, IpyBoxOptionsValidator>());
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton(sp => new SandboxSessionManager(
                sp.GetRequiredService<ISandboxProvider>(),
                sp.GetRequiredService<IOptions<IpyBoxOptions>>().Value,
                sp.GetService<ILoggerFactory>(),
                sp.GetService<TimeProvider>()));
            services.TryAddSingleton(sp => new SandboxTools(sp.GetRequiredService<SandboxSessionManager>()));
            services.TryAddSingleton(sp => sp.GetRequiredService<SandboxSessionManager>().CreatePlugin());
            AddHealthCheck(services);
        }

        return new IpyBoxBuilder(services, pipeline);
    }

    /// <summary>
    /// Registers the check <c>ipybox</c> when the health check options are built, unless <see cref="IpyBoxOptions.DisableHealthChecks"/>
    /// is set then: the options may be configured anywhere, after this call too.
    /// </summary>
    private static void AddHealthCheck(IServiceCollection services)
    {
        services.AddHealthChecks();
        services.AddOptions<HealthCheckServiceOptions>().Configure<IOptions<IpyBoxOptions>>((health, ipybox) =>
        {
            if (!ipybox.Value.DisableHealthChecks)
            {
                health.Registrations.Add(new HealthCheckRegistration(
                    IpyBoxHealthCheck.Name,
                    sp => new IpyBoxHealthCheck(sp.GetRequiredService<ISandboxProvider>()),
                    failureStatus: null,
                    tags: [IpyBoxHealthCheck.Name]));
            }
        });
    }
}
