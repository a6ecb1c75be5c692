namespace IpyBox.AI;

/// <summary>What a sandbox is created for. Backend settings (image, limits, server address) belong to the provider's options.</summary>
public sealed class SandboxRequest
{
    /// <summary>Gets the conversation (chat thread) the sandbox belongs to, or <see langword="null"/> for none.</summary>
    /// <remarks>
    /// The Docker backend records it in the <see cref="ContainerLabels.Conversation"/> label, so a container can be traced back to its
    /// conversation. A warm pool (<see cref="PoolingSandboxProvider"/>) starts its sandboxes before their conversation is known: those
    /// carry <see cref="ContainerLabels.Pool"/> instead, and the pool logs which conversation took which sandbox.
    /// </remarks>
    public string? ConversationKey { get; init; }

    /// <summary>Gets labels to put on what the backend creates for this sandbox (container labels for Docker).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
