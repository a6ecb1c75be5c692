namespace IpyBox.AI;

/// <summary>
/// Takes a ready sandbox through its kernel's first execution without leaving a trace (no history, no execution count,
/// no output, no variable). A fresh kernel answers its first request more slowly than later ones; the warm pool
/// (<see cref="PoolingSandboxProvider"/>) asks a sandbox for this through <see cref="ISandbox.GetService"/> before it
/// counts it as ready, so that the first call of a conversation does not pay for it. A sandbox without it is used as it is.
/// </summary>
/// <remarks>The Docker and Jupyter-server backends run a silent, empty cell.</remarks>
public interface ISandboxWarmUp
{
    /// <summary>Runs a silent, empty execution and waits for it to finish.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the kernel has answered.</returns>
    /// <exception cref="SandboxUnavailableException">The sandbox cannot serve.</exception>
    Task WarmUpAsync(CancellationToken cancellationToken = default);
}
