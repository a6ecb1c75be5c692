namespace IpyBox.AI;

/// <summary>Settings of a warm pool of ready sandboxes (<see cref="PoolingSandboxProvider"/>).</summary>
public sealed class WarmPoolOptions
{
    /// <summary>Gets or sets how many ready sandboxes (kernel running, nothing executed) the pool keeps for new requests.</summary>
    /// <remarks>Each one is a running sandbox: for Docker, a container of about 80 MiB (see docs/benchmarks.md).</remarks>
    /// <value>The default value is 2.</value>
    public int MinWarm { get; set; } = 2;

    /// <summary>
    /// Gets or sets the cap on the sandboxes the pool keeps alive: ready ones, ones being started and ones handed out and
    /// not yet disposed. At the cap the pool starts no refill, and a request it cannot serve from a ready sandbox or one
    /// already starting gets a <see cref="SandboxLimitException"/>.
    /// </summary>
    /// <remarks>Under a <see cref="SandboxSessionManager"/>, use at least <see cref="IpyBoxOptions.MaxSessions"/> + <see cref="MinWarm"/>, so the pool never refuses a sandbox the manager allows.</remarks>
    /// <value>The default value is 10: the session manager's default of 8 sessions plus 2 warm.</value>
    public int MaxTotal { get; set; } = 10;

    /// <summary>Gets or sets how many sandboxes the pool starts at the same time to refill itself.</summary>
    /// <remarks>Requests that find the pool empty do not wait for this limit: they get a sandbox already starting or a cold start.</remarks>
    /// <value>The default value is 2.</value>
    public int MaxConcurrentRefills { get; set; } = 2;

    /// <summary>Gets or sets how long after a hand-out the pool starts replacing the sandbox it handed out.</summary>
    /// <remarks>
    /// New conversations often arrive together; while their first cells run, starting containers to replace their
    /// sandboxes would compete with them for the machine. A hand-out within the delay joins the same refill. Requests
    /// that find the pool empty, <see cref="PoolingSandboxProvider.FillAsync"/> and the replacement of a broken
    /// sandbox start refills at once. <see cref="TimeSpan.Zero"/> refills right after each hand-out.
    /// </remarks>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RefillDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the snapshot (<see cref="ISandboxSnapshots"/>) whose files and packages every ready sandbox starts with, or <see langword="null"/> for none.</summary>
    /// <remarks>Requests for this snapshot, or for none, are served from the pool; a request for another snapshot gets a cold start.</remarks>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Snapshot { get; set; }

    /// <summary>Checks the options and throws an error that says how to fix the first problem found.</summary>
    /// <exception cref="ArgumentException">An option has an invalid value.</exception>
    public void Validate()
    {
        if (FirstError(this) is { } error)
        {
            throw new ArgumentException(error);
        }
    }

    /// <summary>Returns how to fix the first problem of <paramref name="options"/>, or <see langword="null"/> when there is none.</summary>
    internal static string? FirstError(WarmPoolOptions options)
    {
        if (options.MinWarm < 1)
        {
            return $"WarmPoolOptions.MinWarm is {options.MinWarm}; keep at least 1 sandbox warm, or leave the warm pool out to start every sandbox on demand.";
        }

        if (options.MaxTotal < options.MinWarm)
        {
            return $"WarmPoolOptions.MaxTotal ({options.MaxTotal}) is below MinWarm ({options.MinWarm}); raise MaxTotal to MinWarm plus the sandboxes " +
                "handed out at once (under a session manager: its MaxSessions + MinWarm), or lower MinWarm.";
        }

        if (options.MaxConcurrentRefills < 1)
        {
            return $"WarmPoolOptions.MaxConcurrentRefills is {options.MaxConcurrentRefills}; allow at least 1 sandbox to start at a time.";
        }

        if (options.RefillDelay < TimeSpan.Zero || options.RefillDelay > TimeSpan.FromMinutes(10))
        {
            return $"WarmPoolOptions.RefillDelay is {options.RefillDelay}; use a delay from 0 (refill right after each hand-out) to 10 minutes.";
        }

        return null;
    }
}
