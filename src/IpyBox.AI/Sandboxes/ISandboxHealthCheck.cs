namespace IpyBox.AI;

/// <summary>
/// Tells whether a sandbox can still serve, without running code in it: nothing reaches the kernel's history, its
/// variables or its files. A sandbox offers the check through <see cref="ISandbox.GetService"/>; the warm pool
/// (<see cref="PoolingSandboxProvider"/>) asks before it hands a ready sandbox out. A sandbox without it is taken as healthy.
/// </summary>
/// <remarks>
/// The Docker backend checks that the container is still running and that the kernel's connection has neither closed nor
/// reported a dead kernel; the Jupyter-server backend checks the kernel's connection.
/// </remarks>
public interface ISandboxHealthCheck
{
    /// <summary>Checks that the sandbox's kernel, and whatever runs it, are alive.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the sandbox was found healthy.</returns>
    /// <exception cref="SandboxUnavailableException">The sandbox cannot serve; the message says why.</exception>
    Task CheckHealthAsync(CancellationToken cancellationToken = default);
}
