namespace IpyBox.AI;

/// <summary>
/// A sandbox that passes every call to the sandbox it wraps: the base of sandbox decorators (a pooled sandbox, an observed one),
/// which override only what they add.
/// </summary>
internal abstract class DelegatingSandbox : ISandbox
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingSandbox"/> class.</summary>
    /// <param name="innerSandbox">The sandbox calls go to.</param>
    protected DelegatingSandbox(ISandbox innerSandbox)
    {
        InnerSandbox = Throw.IfNull(innerSandbox);
    }

    public virtual string Id => InnerSandbox.Id;

    public virtual ISandboxFiles Files => InnerSandbox.Files;

    /// <summary>Gets the sandbox calls go to.</summary>
    protected ISandbox InnerSandbox { get; }

    public virtual Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        InnerSandbox.SubmitAsync(code, timeout, cancellationToken);

    public virtual Task ResetAsync(CancellationToken cancellationToken = default) => InnerSandbox.ResetAsync(cancellationToken);

    public virtual IDisposable AddMessageHandler(IJupyterMessageHandler handler) => InnerSandbox.AddMessageHandler(handler);

    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerSandbox.GetService(serviceType, serviceKey);
    }

    public ValueTask DisposeAsync() => DisposeCoreAsync();

    /// <summary>Disposes the sandbox; by default, disposes the inner sandbox.</summary>
    /// <returns>A task that completes when the sandbox is disposed.</returns>
    protected virtual ValueTask DisposeCoreAsync() => InnerSandbox.DisposeAsync();
}
