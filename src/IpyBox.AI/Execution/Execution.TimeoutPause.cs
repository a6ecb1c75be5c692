namespace IpyBox.AI;

/// <summary>Pausing the time limit while the host, not the kernel, is what the execution waits for.</summary>
public sealed partial class Execution
{
    private DateTimeOffset _deadline = DateTimeOffset.MaxValue;
    private TimeSpan _remainingWhilePaused;
    private int _pauses;
    private bool _clockStopped;

    /// <summary>
    /// Stops the time-limit clock until the returned handle is disposed (e.g. while the application decides whether a
    /// tool call from the cell may run). Pauses nest: the clock runs again when the last one ends, with the time that
    /// was left when the first one began.
    /// </summary>
    internal IDisposable PauseTimeout()
    {
        lock (_gate)
        {
            if (_pauses++ == 0 && _deadline != DateTimeOffset.MaxValue && !_completion.Task.IsCompleted && !_timeout.IsCancellationRequested)
            {
                _remainingWhilePaused = _deadline - _time.GetUtcNow();
                _clockStopped = TrySetTimer(Timeout.InfiniteTimeSpan);
            }
        }

        return new TimeoutPause(this);
    }

    private void ResumeTimeout()
    {
        lock (_gate)
        {
            if (--_pauses != 0 || !_clockStopped)
            {
                return;
            }

            _clockStopped = false;
            var remaining = _remainingWhilePaused > TimeSpan.Zero ? _remainingWhilePaused : TimeSpan.Zero;
            _deadline = _time.GetUtcNow() + remaining;
            TrySetTimer(remaining);
        }
    }

    private bool TrySetTimer(TimeSpan delay)
    {
        try
        {
            _timeout.CancelAfter(delay);
            return true;
        }
        catch (ObjectDisposedException)
        {
            // The execution completed meanwhile: there is no clock left to stop or start.
            return false;
        }
    }

    private sealed class TimeoutPause(Execution execution) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                execution.ResumeTimeout();
            }
        }
    }
}
