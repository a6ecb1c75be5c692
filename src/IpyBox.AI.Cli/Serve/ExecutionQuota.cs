namespace IpyBox.AI.Cli.Serve;

/// <summary>Counts the cells and installations each principal runs at once and refuses one beyond the limit.</summary>
internal sealed class ExecutionQuota(int limit)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _running = new(StringComparer.Ordinal);

    /// <summary>Takes a slot for <paramref name="principal"/>.</summary>
    /// <returns>The slot, to dispose when the execution ends; <see langword="null"/> when the principal runs <c>limit</c> already.</returns>
    public IDisposable? TryEnter(string principal)
    {
        lock (_lock)
        {
            var running = _running.GetValueOrDefault(principal);
            if (running >= limit)
            {
                return null;
            }

            _running[principal] = running + 1;
        }

        return new Slot(this, principal);
    }

    private void Leave(string principal)
    {
        lock (_lock)
        {
            if (--_running[principal] == 0)
            {
                _running.Remove(principal);
            }
        }
    }

    private sealed class Slot(ExecutionQuota quota, string principal) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                quota.Leave(principal);
            }
        }
    }
}
