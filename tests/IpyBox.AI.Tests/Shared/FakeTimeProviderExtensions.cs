using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests;

/// <summary>Moves a <see cref="FakeTimeProvider"/> so that what the clock wakes runs to its next wait before the call returns.</summary>
internal static class FakeTimeProviderExtensions
{
    /// <summary>
    /// Advances the clock outside the test framework's synchronization context: continuations that do not capture a
    /// context (library code awaits with <c>ConfigureAwait(false)</c>) then run inline on this thread instead of being
    /// queued to the thread pool, so after the call every timer that fired has been followed up to the next wait.
    /// </summary>
    public static void AdvanceInline(this FakeTimeProvider time, TimeSpan delta)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            time.Advance(delta);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }
}
