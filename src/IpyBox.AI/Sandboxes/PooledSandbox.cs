namespace IpyBox.AI;

/// <summary>
/// A sandbox handed out by a <see cref="PoolingSandboxProvider"/>: it passes every call to the sandbox it wraps and, when
/// disposed, removes that sandbox and tells the pool, which then counts it no more against its cap.
/// </summary>
internal sealed class PooledSandbox(ISandbox inner, Action release) : ISandbox
{
    private int _disposed;

    public string Id => inner.Id;

    public ISandboxFiles Files => inner.Files;

    public Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        inner.SubmitAsync(code, timeout, cancellationToken);

    public Task ResetAsync(CancellationToken cancellationToken = default) => inner.ResetAsync(cancellationToken);

    public IDisposable AddMessageHandler(IJupyterMessageHandler handler) => inner.AddMessageHandler(handler);

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : inner.GetService(serviceType, serviceKey);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await inner.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            release();
        }
    }
}
