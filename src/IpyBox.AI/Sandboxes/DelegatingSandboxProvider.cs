namespace IpyBox.AI;

/// <summary>
/// A provider that passes every call to an inner provider: the base for features that wrap a provider (a warm pool,
/// placement across engines, telemetry) the way <c>DelegatingChatClient</c> does for chat clients.
/// </summary>
public abstract class DelegatingSandboxProvider : ISandboxProvider
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingSandboxProvider"/> class.</summary>
    /// <param name="innerProvider">The provider calls are passed to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerProvider"/> is <see langword="null"/>.</exception>
    protected DelegatingSandboxProvider(ISandboxProvider innerProvider)
    {
        InnerProvider = Throw.IfNull(innerProvider);
    }

    /// <summary>Gets the provider calls are passed to.</summary>
    protected ISandboxProvider InnerProvider { get; }

    /// <inheritdoc />
    public virtual Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default) =>
        InnerProvider.CreateAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerProvider.GetService(serviceType, serviceKey);
    }
}
