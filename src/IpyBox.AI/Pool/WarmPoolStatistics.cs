namespace IpyBox.AI;

/// <summary>A snapshot of a warm pool's state and counters (<see cref="PoolingSandboxProvider.GetStatistics"/>).</summary>
/// <param name="Warm">The ready sandboxes now.</param>
/// <param name="Starting">The sandboxes being started now: refills and cold starts.</param>
/// <param name="InUse">The sandboxes handed out (ready or cold-started) and not yet disposed.</param>
/// <param name="HandedOut">How many ready sandboxes were handed out since the pool was created.</param>
/// <param name="ColdStarts">How many requests were passed to the inner provider because no ready sandbox could serve them (pool empty, or a request the pool's template does not match).</param>
/// <param name="Discarded">How many ready sandboxes failed their health check and were removed instead of handed out.</param>
/// <param name="RefillFailures">How many refills failed (each is retried after a delay).</param>
public sealed record WarmPoolStatistics(int Warm, int Starting, int InUse, long HandedOut, long ColdStarts, long Discarded, long RefillFailures)
{
    /// <summary>Gets the sandboxes the pool counts against <see cref="WarmPoolOptions.MaxTotal"/>: ready, starting and in use.</summary>
    public int Total => Warm + Starting + InUse;
}
