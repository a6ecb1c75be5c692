using Docker.DotNet.Models;

namespace IpyBox.AI;

/// <summary>Reads a <see cref="SandboxInfo"/> from what the engine says about a container: its labels, name (the lease's expiry) and state.</summary>
internal static class SandboxDescription
{
    /// <summary>Describes a container from the engine's list.</summary>
    public static SandboxInfo From(ContainerListResponse container) =>
        From(container.ID, container.Names?.FirstOrDefault(), container.State, container.Created, container.Labels, container.Image);

    /// <summary>Describes a container from the engine's inspection.</summary>
    public static SandboxInfo From(ContainerInspectResponse container) =>
        From(
            container.ID,
            container.Name,
            container.State?.Paused == true ? "paused" : container.State?.Running == true ? "running" : container.State?.Status,
            container.Created,
            container.Config?.Labels,
            container.Config?.Image);

    /// <summary>Maps the engine's state word to a sandbox state: a container that is not running or paused is stopped.</summary>
    public static SandboxState StateOf(string? engineState) => engineState switch
    {
        "running" or "restarting" => SandboxState.Running,
        "paused" => SandboxState.Paused,
        _ => SandboxState.Stopped,
    };

    private static SandboxInfo From(string id, string? name, string? state, DateTime created, IDictionary<string, string>? labels, string? image)
    {
        labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var lease = ContainerLease.LengthOf(labels);
        return new SandboxInfo(id, StateOf(state), new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)))
        {
            Metadata = labels
                .Where(label => label.Key.StartsWith(ContainerLabels.MetadataPrefix, StringComparison.Ordinal))
                .ToDictionary(label => label.Key[ContainerLabels.MetadataPrefix.Length..], label => label.Value, StringComparer.Ordinal),
            ConversationKey = labels.TryGetValue(ContainerLabels.Conversation, out var conversation) ? conversation : null,
            Lease = lease,
            LeaseExpires = lease is null ? null : ContainerLease.ExpiryOf(name),
            Snapshot = labels.TryGetValue(ContainerLabels.Snapshot, out var snapshot) ? snapshot : null,
            Image = labels.TryGetValue(ContainerLabels.Image, out var labelled) ? labelled : image,
        };
    }
}
