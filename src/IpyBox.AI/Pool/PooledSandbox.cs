namespace IpyBox.AI;

/// <summary>
/// A sandbox handed out by a <see cref="PoolingSandboxProvider"/>: it passes every call to the sandbox it wraps and, when
/// disposed, removes that sandbox and tells the pool, which then counts it no more against its cap.
/// </summary>
internal sealed class PooledSandbox(ISandbox inner, Action release) : DelegatingSandbox(inner)
{
    private int _disposed;

    protected override async ValueTask DisposeAsyncCore()
    {
        // Disposing the inner sandbox again is harmless (sandboxes dispose idempotently); the pool is told once.
        var first = Interlocked.Exchange(ref _disposed, 1) == 0;
        try
        {
            await base.DisposeAsyncCore().ConfigureAwait(false);
        }
        finally
        {
            if (first)
            {
                release();
            }
        }
    }
}
