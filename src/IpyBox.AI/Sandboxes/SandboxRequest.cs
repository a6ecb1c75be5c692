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

    /// <summary>Gets the warm pool that starts this sandbox ahead of its conversation, or <see langword="null"/>.</summary>
    /// <remarks>A backend marks what it creates with it (the Docker backend: the <c>ai.ipybox.pool</c> label), so a pool's sandboxes can be found.</remarks>
    public string? PoolId { get; init; }

    /// <summary>Gets a value indicating whether a warm pool must start a new sandbox for this request instead of handing out one it started ahead of time.</summary>
    public bool BypassPool { get; init; }
}
