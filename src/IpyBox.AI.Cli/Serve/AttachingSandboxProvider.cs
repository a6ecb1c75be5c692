using System.Collections.Concurrent;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// The provider behind the service's <see cref="SandboxSessionManager"/>, whose conversation keys are sandbox ids: a "new"
/// sandbox for a key is the existing sandbox with that id, attached through the directory (or the one the service has just
/// created and handed over with <see cref="Adopt"/>). It never creates one: creation is <c>create_sandbox</c>'s alone.
/// </summary>
internal sealed class AttachingSandboxProvider(ISandboxProvider innerProvider, ISandboxDirectory directory) : DelegatingSandboxProvider(innerProvider)
{
    private readonly ConcurrentDictionary<string, ISandbox> _created = new(StringComparer.Ordinal);

    /// <summary>Hands over a sandbox just created, so that its first use does not attach to it again.</summary>
    public void Adopt(ISandbox sandbox) => _created[sandbox.Id] = sandbox;

    /// <summary>Attaches to the sandbox whose id is the request's conversation key.</summary>
    /// <exception cref="SandboxNotFoundException">No sandbox has this id.</exception>
    public override async Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default)
    {
        var id = request?.ConversationKey ?? throw new InvalidOperationException("The service's sandboxes are keyed by their id; a request without one cannot be served.");
        return _created.TryRemove(id, out var sandbox)
            ? sandbox
            : await directory.AttachAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Detaches the sandboxes handed over and never used.</summary>
    public async ValueTask DetachUnusedAsync()
    {
        foreach (var id in _created.Keys)
        {
            if (_created.TryRemove(id, out var sandbox))
            {
                await sandbox.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
