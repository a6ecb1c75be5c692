namespace IpyBox.AI;

/// <summary>
/// Finds sandboxes again by id, from any process, and pauses, stops, resumes and deletes them. A provider that can do this
/// hands one out through <c>provider.GetService&lt;ISandboxDirectory&gt;()</c>; decorators pass it through.
/// </summary>
/// <remarks>
/// Ids are <see cref="ISandbox.Id"/>. A sandbox another process created is as reachable as one this process created; a sandbox
/// made with a <see cref="SandboxRequest.Lease"/> outlives the process that created it (docs/durable-sandboxes.md). A backend
/// that cannot do an operation throws <see cref="NotSupportedException"/> saying so.
/// </remarks>
public interface ISandboxDirectory
{
    /// <summary>
    /// Attaches to a sandbox: a paused one is resumed with its kernel, a stopped one is started with a fresh kernel (its files
    /// and installed packages kept; the first result says that variables were lost, in <see cref="ExecutionResult.Notice"/>).
    /// </summary>
    /// <param name="sandboxId">The sandbox's id.</param>
    /// <param name="cancellationToken">Cancels the attach.</param>
    /// <returns>The sandbox. Disposing it detaches a durable sandbox and removes one that is not durable.</returns>
    /// <exception cref="SandboxNotFoundException">No sandbox has this id.</exception>
    Task<ISandbox> AttachAsync(string sandboxId, CancellationToken cancellationToken = default);

    /// <summary>Describes a sandbox without attaching to it.</summary>
    /// <param name="sandboxId">The sandbox's id.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The sandbox, or <see langword="null"/> when no sandbox has this id.</returns>
    Task<SandboxInfo?> FindAsync(string sandboxId, CancellationToken cancellationToken = default);

    /// <summary>Lists the sandboxes that match <paramref name="query"/>, newest first.</summary>
    /// <param name="query">Which sandboxes; <see langword="null"/> for all of this provider's.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The matching sandboxes.</returns>
    Task<IReadOnlyList<SandboxInfo>> ListAsync(SandboxQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Freezes a sandbox: its kernel and memory are kept and use no CPU. Calls of a process still attached wait until it is resumed.</summary>
    /// <param name="sandboxId">The sandbox's id.</param>
    /// <param name="retention">How long to keep it paused before a sweep may remove it; <see langword="null"/> for its lease from now.</param>
    /// <param name="cancellationToken">Cancels the pause.</param>
    /// <returns>A task that completes when the sandbox is paused.</returns>
    /// <exception cref="SandboxNotFoundException">No sandbox has this id.</exception>
    Task PauseAsync(string sandboxId, TimeSpan? retention = null, CancellationToken cancellationToken = default);

    /// <summary>Stops a sandbox: its memory (the kernel's variables) is released; its files under <c>/app</c> and installed packages are kept.</summary>
    /// <param name="sandboxId">The sandbox's id.</param>
    /// <param name="retention">How long to keep it stopped before a sweep may remove it; <see langword="null"/> for its lease from now.</param>
    /// <param name="cancellationToken">Cancels the stop.</param>
    /// <returns>A task that completes when the sandbox is stopped.</returns>
    /// <exception cref="SandboxNotFoundException">No sandbox has this id.</exception>
    Task StopAsync(string sandboxId, TimeSpan? retention = null, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused or stopped sandbox without attaching to it; a running one is left as it is.</summary>
    /// <param name="sandboxId">The sandbox's id.</param>
    /// <param name="cancellationToken">Cancels the resume.</param>
    /// <returns>A task that completes when the sandbox runs and its server answers.</returns>
    /// <exception cref="SandboxNotFoundException">No sandbox has this id.</exception>
    Task ResumeAsync(string sandboxId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a sandbox and its storage, whatever its state. Harmless when it is already gone.</summary>
    /// <param name="sandboxId">The sandbox's id.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns><see langword="true"/> when a sandbox was deleted, <see langword="false"/> when none had this id.</returns>
    Task<bool> DeleteAsync(string sandboxId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the durable sandboxes whose lease has expired; a sandbox whose lease is live is never touched, whichever process holds it.</summary>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>The sandboxes deleted.</returns>
    Task<IReadOnlyList<SandboxInfo>> RemoveExpiredAsync(CancellationToken cancellationToken = default);
}
