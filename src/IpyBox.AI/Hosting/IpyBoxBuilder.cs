using Microsoft.Extensions.DependencyInjection;

namespace IpyBox.AI;

/// <summary>
/// Returned by <c>services.AddIpyBox()</c> to configure IpyBox further, among that the <see cref="ISandboxProvider"/> the
/// session manager gets: a backend (<see cref="WithSandboxBackend"/>) and the decorators over it
/// (<see cref="UseSandboxProvider(Func{ISandboxProvider, IServiceProvider, ISandboxProvider})"/>, <c>UseWarmPool</c>,
/// <c>UseOpenTelemetry</c>), composed the way MEAI's <c>ChatClientBuilder</c> composes a chat client.
/// </summary>
/// <remarks>
/// The backend is the first that applies of: the factory given to <see cref="WithSandboxBackend"/>; an
/// <see cref="ISandboxProvider"/> the application registered before its first <c>AddIpyBox</c> call; a
/// <see cref="DockerSandboxProvider"/> made from <see cref="IpyBoxOptions.Container"/> and <see cref="IpyBoxOptions.Client"/>.
/// An <see cref="ISandboxProvider"/> registered after <c>AddIpyBox</c> replaces the whole composition (no decorator applies),
/// and the <c>Use</c> methods then refuse to add decorators.
/// </remarks>
public sealed class IpyBoxBuilder
{
    private readonly SandboxProviderPipeline _pipeline;

    internal IpyBoxBuilder(IServiceCollection services, SandboxProviderPipeline pipeline)
    {
        Services = services;
        _pipeline = pipeline;
    }

    /// <summary>Gets the service collection IpyBox was added to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Sets the backend: the provider that creates the sandboxes, under the decorators. The service provider calls
    /// <paramref name="backendFactory"/> once, when the sandbox provider is first resolved, and disposes what it returns (if
    /// disposable) when it is disposed itself. A later call replaces the factory.
    /// </summary>
    /// <param name="backendFactory">Creates the backend, e.g. <c>sp =&gt; new JupyterServerSandboxProvider(options)</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="backendFactory"/> is <see langword="null"/>.</exception>
    public IpyBoxBuilder WithSandboxBackend(Func<IServiceProvider, ISandboxProvider> backendFactory)
    {
        Throw.IfNull(backendFactory);
        SandboxProviderPipeline.SetBackend(Services, backendFactory);
        return this;
    }

    /// <summary>
    /// Adds a decorator to the sandbox provider: <paramref name="decorator"/> receives the provider composed so far (the backend
    /// and the decorators added before) and returns the provider to use instead, typically a <see cref="DelegatingSandboxProvider"/>
    /// around it. Decorators are applied in the order they are added, so the one added last is the outermost, the one the
    /// session manager calls (MEAI's <c>ChatClientBuilder.Use</c> reads the other way: its first is the outermost). They are
    /// made when the provider is first resolved; those that are disposable are disposed with the service provider.
    /// </summary>
    /// <param name="decorator">Creates the decorator from the inner provider and the service provider.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="decorator"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// The <see cref="ISandboxProvider"/> registration of <c>AddIpyBox</c> was removed, or another one was registered after it.
    /// </exception>
    public IpyBoxBuilder UseSandboxProvider(Func<ISandboxProvider, IServiceProvider, ISandboxProvider> decorator)
    {
        Throw.IfNull(decorator);
        _pipeline.Add(Services, decorator, nameof(UseSandboxProvider));
        return this;
    }

    /// <summary>Adds a decorator to the sandbox provider; see <see cref="UseSandboxProvider(Func{ISandboxProvider, IServiceProvider, ISandboxProvider})"/>.</summary>
    /// <param name="decorator">Creates the decorator from the inner provider.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="decorator"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// The <see cref="ISandboxProvider"/> registration of <c>AddIpyBox</c> was removed, or another one was registered after it.
    /// </exception>
    public IpyBoxBuilder UseSandboxProvider(Func<ISandboxProvider, ISandboxProvider> decorator)
    {
        Throw.IfNull(decorator);
        _pipeline.Add(Services, (inner, _) => decorator(inner), nameof(UseSandboxProvider));
        return this;
    }

    /// <summary>
    /// Adds a decorator of type <typeparamref name="TDecorator"/> once (a second call changes nothing) and makes it resolvable as
    /// <typeparamref name="TDecorator"/>: the instance in the composed provider.
    /// </summary>
    /// <param name="decorator">Creates the decorator.</param>
    /// <param name="caller">The builder method, for errors.</param>
    /// <returns><see langword="false"/> when a <typeparamref name="TDecorator"/> was already added.</returns>
    internal bool UseResolvableSandboxProvider<TDecorator>(Func<ISandboxProvider, IServiceProvider, TDecorator> decorator, string caller)
        where TDecorator : class, ISandboxProvider =>
        _pipeline.AddResolvable(Services, decorator, caller);
}
