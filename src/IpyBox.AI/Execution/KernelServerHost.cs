namespace IpyBox.AI;

/// <summary>
/// What the backend that runs a kernel server tells the kernel's client: how to learn that the server is gone for good
/// (a stopped container, say), why a kernel died, and which error reports a lost kernel. <see cref="Unknown"/> knows
/// nothing and reports a lost kernel as a <see cref="KernelUnavailableException"/>.
/// </summary>
internal sealed record KernelServerHost
{
    /// <summary>Gets the host of a server the client knows nothing about (any Jupyter server given by address).</summary>
    public static KernelServerHost Unknown { get; } = new();

    /// <summary>
    /// Gets the check that returns the error saying why the server is gone, or <see langword="null"/> while it runs; asked
    /// while the server starts and when the connection drops, so a dead server fails at once instead of at the timeout.
    /// </summary>
    public Func<CancellationToken, Task<Exception?>>? FindServerGone { get; init; }

    /// <summary>Gets the check that says why a kernel died (e.g. killed at a memory limit), or returns <see langword="null"/> when that cannot be known.</summary>
    public Func<CancellationToken, Task<string?>>? ExplainKernelDeath { get; init; }

    /// <summary>Gets the factory of the error a lost kernel is reported with (a sandbox backend reports its own derived type).</summary>
    public Func<string, Exception?, KernelUnavailableException> Unavailable { get; init; } =
        static (message, cause) => new KernelUnavailableException(message, cause);

    /// <summary>Returns the error that says why the server is gone, or <see langword="null"/> while it runs or when the host cannot tell.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    public Task<Exception?> FindServerGoneAsync(CancellationToken cancellationToken) =>
        FindServerGone is null ? Task.FromResult<Exception?>(null) : FindServerGone(cancellationToken);

    /// <summary>
    /// Returns the error that says why the server is gone, asking for a few seconds: the engine may still report a container
    /// as running just after its server died or its network went away. <see langword="null"/> when it still runs then, or
    /// when the host cannot tell.
    /// </summary>
    /// <param name="time">The clock the asking waits on.</param>
    public async Task<Exception?> FindServerGoneSoonAsync(TimeProvider time)
    {
        if (FindServerGone is null)
        {
            return null;
        }

        try
        {
            return await Poll.UntilAsync(
                "the server to be reported gone",
                FindServerGone,
                PollSchedule.Fixed(TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(200)),
                time,
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Still running, or the host could not tell.
            return null;
        }
    }
}
