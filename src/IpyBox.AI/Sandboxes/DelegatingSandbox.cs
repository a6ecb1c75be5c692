namespace IpyBox.AI;

/// <summary>
/// A sandbox that passes every call to an inner sandbox: the base for features that wrap a sandbox (a pooled sandbox, a
/// traced one, a recording one, the tool bridge) the way <c>DelegatingChatClient</c> does for chat clients. A subclass
/// overrides only what it adds.
/// </summary>
public abstract class DelegatingSandbox : ISandbox
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingSandbox"/> class.</summary>
    /// <param name="innerSandbox">The sandbox calls are passed to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerSandbox"/> is <see langword="null"/>.</exception>
    protected DelegatingSandbox(ISandbox innerSandbox)
    {
        InnerSandbox = Throw.IfNull(innerSandbox);
    }

    /// <inheritdoc />
    public virtual string Id => InnerSandbox.Id;

    /// <inheritdoc />
    public virtual ISandboxFiles Files => InnerSandbox.Files;

    /// <summary>Gets the sandbox calls are passed to.</summary>
    protected ISandbox InnerSandbox { get; }

    /// <inheritdoc />
    public virtual Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        InnerSandbox.SubmitAsync(code, timeout, cancellationToken);

    /// <inheritdoc />
    public virtual Task ResetAsync(CancellationToken cancellationToken = default) => InnerSandbox.ResetAsync(cancellationToken);

    /// <inheritdoc />
    public virtual IDisposable AddMessageHandler(IJupyterMessageHandler handler) => InnerSandbox.AddMessageHandler(handler);

    /// <summary>
    /// Asks the sandbox for an object of the given type: this sandbox when it is one (and no key is given), otherwise whatever
    /// the inner sandbox returns. Override to hand out what the subclass adds, and call the base for the rest.
    /// </summary>
    /// <param name="serviceType">The type of object requested.</param>
    /// <param name="serviceKey">An optional key to tell objects of the same type apart.</param>
    /// <returns>The object, or <see langword="null"/> when neither this sandbox nor the inner one has one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerSandbox.GetService(serviceType, serviceKey);
    }

    /// <summary>Disposes the sandbox through <see cref="DisposeAsyncCore"/>; by default that disposes the inner sandbox.</summary>
    /// <returns>A task that completes when the sandbox is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the sandbox holds; by default, disposes the inner sandbox. An override releases what the subclass holds and calls the base.</summary>
    /// <returns>A task that completes when the sandbox is disposed.</returns>
    protected virtual ValueTask DisposeAsyncCore() => InnerSandbox.DisposeAsync();
}
