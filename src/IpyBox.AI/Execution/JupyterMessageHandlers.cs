namespace IpyBox.AI;

/// <summary>The message handlers of a sandbox, kept across kernel resets and shared with each kernel client it creates.</summary>
internal sealed class JupyterMessageHandlers
{
    private readonly Lock _gate = new();
    private IJupyterMessageHandler[] _handlers = [];

    /// <summary>Gets a value indicating whether any handler is registered (executions then allow stdin).</summary>
    public bool IsEmpty => Volatile.Read(ref _handlers).Length == 0;

    public IDisposable Add(IJupyterMessageHandler handler)
    {
        Throw.IfNull(handler);
        lock (_gate)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Registration(this, handler);
    }

    /// <summary>Offers <paramref name="message"/> to the handlers in registration order; returns whether one took it.</summary>
    public bool Dispatch(JupyterMessage message, IJupyterMessageSender sender)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            if (handler.Handle(message, sender))
            {
                return true;
            }
        }

        return false;
    }

    private void Remove(IJupyterMessageHandler handler)
    {
        lock (_gate)
        {
            _handlers = [.. _handlers.Where(h => !ReferenceEquals(h, handler))];
        }
    }

    private sealed class Registration(JupyterMessageHandlers owner, IJupyterMessageHandler handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(handler);
            }
        }
    }
}
