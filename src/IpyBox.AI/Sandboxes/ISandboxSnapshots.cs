namespace IpyBox.AI;

/// <summary>
/// Saves a sandbox's files and installed packages under a name, so new sandboxes can start from them
/// (<see cref="SandboxRequest.Snapshot"/>). A provider that can do this hands one out through
/// <c>provider.GetService&lt;ISandboxSnapshots&gt;()</c>.
/// </summary>
public interface ISandboxSnapshots
{
    /// <summary>Saves the files under <c>/app</c> and the packages installed at run time of a sandbox (running, paused or stopped); the kernel's variables are not saved.</summary>
    /// <param name="sandboxId">The sandbox's id.</param>
    /// <param name="name">The snapshot's name: 1 to 100 letters, digits, <c>.</c>, <c>_</c> and <c>-</c>, starting with a letter or digit. An existing snapshot of that name is replaced.</param>
    /// <param name="cancellationToken">Cancels the snapshot.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="SandboxNotFoundException">No sandbox has this id.</exception>
    Task<SandboxSnapshot> CreateSnapshotAsync(string sandboxId, string name, CancellationToken cancellationToken = default);

    /// <summary>Lists the snapshots, newest first.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The snapshots.</returns>
    Task<IReadOnlyList<SandboxSnapshot>> ListSnapshotsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a snapshot; sandboxes started from it keep their files. Harmless when it is already gone.</summary>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns><see langword="true"/> when a snapshot was deleted.</returns>
    Task<bool> DeleteSnapshotAsync(string name, CancellationToken cancellationToken = default);
}
