namespace IpyBox.AI;

/// <summary>What a sandbox is created for. Backend settings (image, limits, server address) belong to the provider's options.</summary>
public sealed class SandboxRequest
{
    /// <summary>Gets the conversation (chat thread) the sandbox belongs to, or <see langword="null"/> for none.</summary>
    /// <remarks>
    /// The Docker backend records it in a container label, so a container can be traced back to its conversation. A warm pool
    /// starts its sandboxes before their conversation is known: those carry <see cref="PoolId"/> instead, and the pool logs which
    /// conversation took which sandbox.
    /// </remarks>
    public string? ConversationKey { get; init; }

    /// <summary>Gets labels to put on what the backend creates for this sandbox (container labels for Docker).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the application's metadata for the sandbox (a user, a tenant...): key/value pairs kept with it for its whole life,
    /// returned in <see cref="SandboxInfo.Metadata"/> and matched by <see cref="SandboxQuery.Metadata"/>.
    /// </summary>
    /// <remarks>
    /// Keys are 1 to 64 characters of letters, digits, <c>.</c>, <c>_</c> and <c>-</c>; values are any text up to 1,024 characters.
    /// The Docker backend keeps them as container labels (<c>ai.ipybox.meta.</c> and the key).
    /// </remarks>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the sandbox's lease, which makes it durable; <see langword="null"/> (the default) for a sandbox that lives as long
    /// as the object that created it.
    /// </summary>
    /// <remarks>
    /// A durable sandbox outlives its process: it is kept until its lease expires, and the lease is renewed to this length from
    /// now while any process holds it attached (every third of the lease). Disposing the object only detaches it; another
    /// process attaches again through <see cref="ISandboxDirectory.AttachAsync"/> by its <see cref="ISandbox.Id"/>, and
    /// <see cref="ISandboxDirectory.DeleteAsync"/> removes it. Pausing or stopping sets the lease to a retention time instead.
    /// A backend that cannot keep sandboxes says so with a <see cref="NotSupportedException"/>.
    /// </remarks>
    public TimeSpan? Lease { get; init; }

    /// <summary>Gets the name of the snapshot (<see cref="ISandboxSnapshots"/>) whose files and packages the sandbox starts with, or <see langword="null"/>.</summary>
    public string? Snapshot { get; init; }

    /// <summary>Gets the warm pool that starts this sandbox ahead of its conversation, or <see langword="null"/>.</summary>
    /// <remarks>A backend marks what it creates with it (the Docker backend: the <c>ai.ipybox.pool</c> label), so a pool's sandboxes can be found.</remarks>
    public string? PoolId { get; init; }

    /// <summary>Gets a value indicating whether a warm pool must start a new sandbox for this request instead of handing out one it started ahead of time.</summary>
    public bool BypassPool { get; init; }
}
