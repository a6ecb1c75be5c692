namespace IpyBox.AI;

/// <summary>A container created by IpyBox.AI, as found by <see cref="ManagedContainers"/>.</summary>
/// <param name="Id">The container id.</param>
/// <param name="Name">The container name, without the leading slash.</param>
/// <param name="Image">The image the container runs.</param>
/// <param name="State">The engine's state of the container (<c>running</c>, <c>exited</c>, ...).</param>
/// <param name="OwnerProcessId">The id of the process that created it, when recorded.</param>
/// <param name="OwnerHost">The host name of the machine that process ran on, when recorded.</param>
/// <param name="IsOrphaned">
/// For a durable sandbox (one with a lease), <see langword="true"/> when its lease has expired, whatever became of its
/// process. For any other, <see langword="true"/> when the owning process ran on this machine and no longer exists (no process
/// has its id, or the one that has it started at another time than recorded); containers of other machines are never
/// reported as orphaned.
/// </param>
public sealed record ManagedContainer(string Id, string Name, string Image, string State, int? OwnerProcessId, string? OwnerHost, bool IsOrphaned)
{
    /// <summary>Gets the conversation key of the sandbox the container serves (its <see cref="ContainerLabels.Conversation"/> label), when it has one.</summary>
    public string? ConversationKey { get; init; }

    /// <summary>Gets when the lease of a durable sandbox expires, or <see langword="null"/> for a container that has none.</summary>
    public DateTimeOffset? LeaseExpires { get; init; }

    /// <summary>Gets when the owning process started (its <see cref="ContainerLabels.OwnerStarted"/> label), when recorded.</summary>
    public DateTimeOffset? OwnerStarted { get; init; }
}
