using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpyBox.AI;

/// <summary>
/// How the <see cref="ISandboxProvider"/> that <c>AddIpyBox</c> registers is composed, the way MEAI's <c>ChatClientBuilder</c>
/// composes a chat client: a backend, then each decorator of <see cref="IpyBoxBuilder.UseSandboxProvider(Func{ISandboxProvider, IServiceProvider, ISandboxProvider})"/>
/// in the order it was added, each wrapping the one before. One per service collection, shared by every <c>AddIpyBox</c> call on it.
/// </summary>
/// <remarks>
/// The backend is a keyed registration under <see cref="BackendKey"/>, so the service provider creates and disposes it: the
/// application's <see cref="ISandboxProvider"/> registered before <c>AddIpyBox</c>, the factory of
/// <see cref="IpyBoxBuilder.WithSandboxBackend"/>, or else a <see cref="DockerSandboxProvider"/> made from the options. The
/// decorators are made when the provider is first resolved and disposed with the service provider.
/// </remarks>
internal sealed class SandboxProviderPipeline
{
    /// <summary>The key of the backend's registration.</summary>
    internal const string BackendKey = "IpyBox.AI.SandboxBackend";

    private readonly List<Func<ISandboxProvider, IServiceProvider, ISandboxProvider>> _decorators = [];
    private readonly List<Type> _resolvableDecorators = [];
    private readonly ServiceDescriptor _registration;

    private SandboxProviderPipeline()
    {
        _registration = ServiceDescriptor.Singleton<ISandboxProvider>(ResolveProvider);
    }

    /// <summary>Returns the service collection's pipeline, registering it (and the provider it composes) on first use.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="created"><see langword="true"/> when this call registered the pipeline.</param>
    public static SandboxProviderPipeline GetOrAdd(IServiceCollection services, out bool created)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(SandboxProviderPipeline) && !d.IsKeyedService)?.ImplementationInstance is SandboxProviderPipeline existing)
        {
            created = false;
            return existing;
        }

        var pipeline = new SandboxProviderPipeline();
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(ISandboxProvider) && !d.IsKeyedService);
        Remove(services, d => d.ServiceType == typeof(ISandboxProvider) && !d.IsKeyedService);
        services.Add(registered is null
            ? ServiceDescriptor.KeyedSingleton<ISandboxProvider>(BackendKey, (sp, _) => CreateDockerBackend(sp))
            : AsBackend(registered));
        services.AddSingleton(pipeline);
        services.AddSingleton(pipeline.Compose);
        services.Add(pipeline._registration);
        created = true;
        return pipeline;
    }

    /// <summary>Makes <paramref name="backend"/> the backend, replacing the one there was.</summary>
    public static void SetBackend(IServiceCollection services, Func<IServiceProvider, ISandboxProvider> backend)
    {
        Remove(services, d => d.ServiceType == typeof(ISandboxProvider) && d.IsKeyedService && Equals(d.ServiceKey, BackendKey));
        services.Add(ServiceDescriptor.KeyedSingleton<ISandboxProvider>(BackendKey, (sp, _) => backend(sp)));
    }

    /// <summary>Adds a decorator over the ones added before.</summary>
    /// <exception cref="InvalidOperationException">The provider this pipeline registered is no longer the one resolved.</exception>
    public void Add(IServiceCollection services, Func<ISandboxProvider, IServiceProvider, ISandboxProvider> decorator, string caller)
    {
        ThrowIfReplaced(services, caller);
        _decorators.Add(decorator);
    }

    /// <summary>
    /// Adds a decorator of a type that is also resolvable on its own (the instance in the pipeline), once: a second call for
    /// the same type changes nothing.
    /// </summary>
    /// <returns><see langword="false"/> when a decorator of that type was already added.</returns>
    /// <exception cref="InvalidOperationException">The provider this pipeline registered is no longer the one resolved.</exception>
    public bool AddResolvable<TDecorator>(IServiceCollection services, Func<ISandboxProvider, IServiceProvider, TDecorator> decorator, string caller)
        where TDecorator : class, ISandboxProvider
    {
        if (_resolvableDecorators.Contains(typeof(TDecorator)))
        {
            return false;
        }

        Add(services, decorator, caller);
        _resolvableDecorators.Add(typeof(TDecorator));
        services.AddSingleton(sp => sp.GetRequiredService<Composition>().Outermost.GetService<TDecorator>()
            ?? throw new InvalidOperationException(
                $"The {typeof(TDecorator).Name} added by {caller}() is not reachable from the sandbox provider through GetService; a decorator added after it does not pass GetService on."));
        return true;
    }

    /// <summary>The provider the session manager gets: the outermost decorator, or the backend when there is none.</summary>
    private ISandboxProvider ResolveProvider(IServiceProvider services)
    {
        var composition = services.GetRequiredService<Composition>();

        // Resolved here, before whatever asked for the provider (the session manager), so that they are disposed after it.
        foreach (var type in _resolvableDecorators)
        {
            _ = services.GetRequiredService(type);
        }

        return composition.Outermost;
    }

    private Composition Compose(IServiceProvider services)
    {
        var provider = services.GetRequiredKeyedService<ISandboxProvider>(BackendKey);
        var decorators = new List<ISandboxProvider>();
        try
        {
            foreach (var decorate in _decorators)
            {
                provider = decorate(provider, services)
                    ?? throw new InvalidOperationException("A decorator given to UseSandboxProvider returned null; it must return the provider to use.");
                decorators.Add(provider);
            }
        }
        catch
        {
            new Composition(provider, decorators).Dispose();
            throw;
        }

        return new Composition(provider, decorators);
    }

    private void ThrowIfReplaced(IServiceCollection services, string caller)
    {
        if (services.LastOrDefault(d => d.ServiceType == typeof(ISandboxProvider) && !d.IsKeyedService) != _registration)
        {
            throw new InvalidOperationException(
                $"{caller}() decorates the ISandboxProvider that services.AddIpyBox() registers, but that registration was removed or " +
                "another ISandboxProvider was registered after AddIpyBox(). Register your provider before AddIpyBox(), or pass it to " +
                "AddIpyBox().WithSandboxBackend(sp => ...).");
        }
    }

    private static void Remove(IServiceCollection services, Func<ServiceDescriptor, bool> match)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (match(services[i]))
            {
                services.RemoveAt(i);
            }
        }
    }

    private static DockerSandboxProvider CreateDockerBackend(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<IpyBoxOptions>>().Value;
        return new DockerSandboxProvider(options.Container, options.Client, services.GetService<ILoggerFactory>());
    }

    /// <summary>The application's registration, moved under <see cref="BackendKey"/>: created and disposed as it would have been.</summary>
    private static ServiceDescriptor AsBackend(ServiceDescriptor registered)
    {
        if (registered.ImplementationInstance is { } instance)
        {
            return new ServiceDescriptor(typeof(ISandboxProvider), BackendKey, instance);
        }

        if (registered.ImplementationFactory is { } factory)
        {
            return new ServiceDescriptor(typeof(ISandboxProvider), BackendKey, (sp, _) => factory(sp), registered.Lifetime);
        }

        return new ServiceDescriptor(typeof(ISandboxProvider), BackendKey, registered.ImplementationType!, registered.Lifetime);
    }

    /// <summary>The built pipeline: the provider to use and the decorators made for it, which it disposes, outermost first.</summary>
    private sealed class Composition(ISandboxProvider outermost, List<ISandboxProvider> decorators) : IAsyncDisposable, IDisposable
    {
        public ISandboxProvider Outermost { get; } = outermost;

        public async ValueTask DisposeAsync()
        {
            for (var i = decorators.Count - 1; i >= 0; i--)
            {
                switch (decorators[i])
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
        }

        public void Dispose()
        {
            for (var i = decorators.Count - 1; i >= 0; i--)
            {
                switch (decorators[i])
                {
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                    case IAsyncDisposable asyncDisposable:
                        asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                        break;
                }
            }
        }
    }
}
