namespace IpyBox.AI;

/// <summary>Which sandboxes <see cref="ISandboxDirectory.ListAsync"/> returns; every condition given must hold.</summary>
public sealed class SandboxQuery
{
    /// <summary>Gets metadata the sandbox must carry, each key with this value (<see cref="SandboxRequest.Metadata"/>).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the conversation the sandbox must serve, or <see langword="null"/> for any.</summary>
    public string? ConversationKey { get; set; }

    /// <summary>Gets or sets the state the sandbox must be in, or <see langword="null"/> for any.</summary>
    public SandboxState? State { get; set; }

    /// <summary>Gets or sets a value indicating whether only durable sandboxes (created with a <see cref="SandboxRequest.Lease"/>) are listed.</summary>
    public bool DurableOnly { get; set; }
}
