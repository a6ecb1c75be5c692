using System.Collections.Concurrent;

namespace IpyBox.AI.TestUtilities;

/// <summary>
/// A hand-written <see cref="ISandboxDirectory"/> for unit tests of what keeps sandboxes beyond a process: it remembers the
/// durable sandboxes a <see cref="FakeSandboxProvider"/> created (or that a test adds), their states and leases on a given
/// clock, and records every call. Attaching returns a new <see cref="FakeSandbox"/> with the same id.
/// </summary>
public sealed class FakeSandboxDirectory(TimeProvider time) : ISandboxDirectory
{
    private readonly ConcurrentDictionary<string, SandboxInfo> _sandboxes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _calls = new();

    /// <summary>Gets the calls made, in order, as <c>Operation id</c> (e.g. <c>Stop fake-1</c>).</summary>
    public IReadOnlyList<string> Calls => [.. _calls];

    /// <summary>Gets the sandboxes attached to, in order.</summary>
    public ConcurrentQueue<FakeSandbox> Attached { get; } = new();

    /// <summary>Gets the sandbox with this id, or <see langword="null"/>.</summary>
    public SandboxInfo? this[string id] => _sandboxes.TryGetValue(id, out var info) ? info : null;

    /// <summary>Records a sandbox as existing.</summary>
    public void Add(SandboxInfo info) => _sandboxes[info.Id] = info;

    public Task<ISandbox> AttachAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue($"Attach {sandboxId}");
        var info = Find(sandboxId);
        _sandboxes[sandboxId] = info with { State = SandboxState.Running, LeaseExpires = time.GetUtcNow() + info.Lease };
        var sandbox = new FakeSandbox(sandboxId, new SandboxRequest { ConversationKey = info.ConversationKey, Metadata = info.Metadata, Lease = info.Lease });
        Attached.Enqueue(sandbox);
        return Task.FromResult<ISandbox>(sandbox);
    }

    public Task<SandboxInfo?> FindAsync(string sandboxId, CancellationToken cancellationToken = default) =>
        Task.FromResult(this[sandboxId]);

    public Task<IReadOnlyList<SandboxInfo>> ListAsync(SandboxQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new SandboxQuery();
        _calls.Enqueue("List");
        IReadOnlyList<SandboxInfo> found = [.. _sandboxes.Values
            .Where(s => query.ConversationKey is null || s.ConversationKey == query.ConversationKey)
            .Where(s => query.State is null || s.State == query.State)
            .Where(s => !query.DurableOnly || s.Lease is not null)
            .Where(s => query.Metadata.All(m => s.Metadata.TryGetValue(m.Key, out var v) && v == m.Value))
            .OrderByDescending(s => s.Created)];
        return Task.FromResult(found);
    }

    public Task PauseAsync(string sandboxId, TimeSpan? retention = null, CancellationToken cancellationToken = default) =>
        Change(sandboxId, "Pause", SandboxState.Paused, retention);

    public Task StopAsync(string sandboxId, TimeSpan? retention = null, CancellationToken cancellationToken = default) =>
        Change(sandboxId, "Stop", SandboxState.Stopped, retention);

    public Task ResumeAsync(string sandboxId, CancellationToken cancellationToken = default) =>
        Change(sandboxId, "Resume", SandboxState.Running, retention: null);

    public Task<bool> DeleteAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue($"Delete {sandboxId}");
        return Task.FromResult(_sandboxes.TryRemove(sandboxId, out _));
    }

    public Task<IReadOnlyList<SandboxInfo>> RemoveExpiredAsync(CancellationToken cancellationToken = default)
    {
        _calls.Enqueue("RemoveExpired");
        var now = time.GetUtcNow();
        IReadOnlyList<SandboxInfo> expired = [.. _sandboxes.Values.Where(s => s.IsExpired(now))];
        foreach (var sandbox in expired)
        {
            _sandboxes.TryRemove(sandbox.Id, out _);
        }

        return Task.FromResult(expired);
    }

    private Task Change(string sandboxId, string operation, SandboxState state, TimeSpan? retention)
    {
        _calls.Enqueue($"{operation} {sandboxId}");
        var info = Find(sandboxId);
        _sandboxes[sandboxId] = info with { State = state, LeaseExpires = time.GetUtcNow() + (retention ?? info.Lease) };
        return Task.CompletedTask;
    }

    private SandboxInfo Find(string sandboxId) =>
        this[sandboxId] ?? throw new SandboxNotFoundException($"No sandbox has the id {sandboxId}.");
}
