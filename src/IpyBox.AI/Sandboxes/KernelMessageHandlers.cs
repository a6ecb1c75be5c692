namespace IpyBox.AI;

/// <summary>The message handlers of a sandbox, kept across kernel resets and shared with each kernel client it creates.</summary>
internal sealed class KernelMessageHandlers
{
    private readonly Lock _gate = new();
    private IKernelMessageHandler[] _handlers = [];

    /// <summary>Gets a value indicating whether any handler is registered (executions then allow stdin).</summary>
    public bool IsEmpty => Volatile.Read(ref _handlers).Length == 0;

    public IDisposable Add(IKernelMessageHandler handler)
    {
        Throw.IfNull(handler);
        lock (_gate)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Registration(this, handler);
    }

    /// <summary>Offers <paramref name="message"/> to the handlers in registration order; returns whether one took it.</summary>
    public bool Dispatch(JupyterMessage message, IKernelMessageSender sender)
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

    private void Remove(IKernelMessageHandler handler)
    {
        lock (_gate)
        {
            _handlers = [.. _handlers.Where(h => !ReferenceEquals(h, handler))];
        }
    }

    private sealed class Registration(KernelMessageHandlers owner, IKernelMessageHandler handler) : IDisposable
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
