namespace IpyBox.AI;

/// <summary>
/// A provider decorator's view of its inner provider's <see cref="ISandboxDirectory"/>: every call passes through, and a sandbox
/// that <see cref="AttachAsync"/> returns goes through <paramref name="attach"/>, so an attached sandbox is decorated as a created one is.
/// </summary>
/// <param name="inner">The inner provider's directory.</param>
/// <param name="attach">Attaches through <paramref name="inner"/> and decorates the result.</param>
internal sealed class AttachDecoratingDirectory(ISandboxDirectory inner, Func<ISandboxDirectory, string, CancellationToken, Task<ISandbox>> attach) : ISandboxDirectory
{
    public Task<ISandbox> AttachAsync(string sandboxId, CancellationToken cancellationToken = default) => attach(inner, sandboxId, cancellationToken);

    public Task<SandboxInfo?> FindAsync(string sandboxId, CancellationToken cancellationToken = default) => inner.FindAsync(sandboxId, cancellationToken);

    public Task<IReadOnlyList<SandboxInfo>> ListAsync(SandboxQuery? query = null, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);

    public Task PauseAsync(string sandboxId, TimeSpan? retention = null, CancellationToken cancellationToken = default) => inner.PauseAsync(sandboxId, retention, cancellationToken);

    public Task StopAsync(string sandboxId, TimeSpan? retention = null, CancellationToken cancellationToken = default) => inner.StopAsync(sandboxId, retention, cancellationToken);

    public Task ResumeAsync(string sandboxId, CancellationToken cancellationToken = default) => inner.ResumeAsync(sandboxId, cancellationToken);

    public Task<bool> DeleteAsync(string sandboxId, CancellationToken cancellationToken = default) => inner.DeleteAsync(sandboxId, cancellationToken);

    public Task<IReadOnlyList<SandboxInfo>> RemoveExpiredAsync(CancellationToken cancellationToken = default) => inner.RemoveExpiredAsync(cancellationToken);
}
