using System.Globalization;
using Docker.DotNet.Models;

namespace IpyBox.AI;

/// <summary>
/// Finds and removes the containers IpyBox.AI created, by their <see cref="ContainerLabels.Managed"/> label, including
/// orphans left by a process that crashed before it could remove its container, the <c>/app</c> volumes their removal
/// left behind (a container removed by hand, <c>docker rm -f</c> without <c>-v</c>), and the library's networks no container uses
/// besides the one sandboxes start on.
/// </summary>
public static class ManagedContainers
{
    private static readonly TimeSpan s_engineTimeout = TimeSpan.FromSeconds(100);

    /// <summary>Lists the managed containers that match <paramref name="filter"/>, running or not.</summary>
    /// <param name="filter">Which containers; <see langword="null"/> for all of them.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The matching containers.</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    public static async Task<IReadOnlyList<ManagedContainer>> ListAsync(ManagedContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new ManagedContainerFilter();
        using var engine = await ConnectAsync(filter, cancellationToken).ConfigureAwait(false);
        return await ListCoreAsync(engine, filter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Force-removes the managed containers that match <paramref name="filter"/>.</summary>
    /// <param name="filter">Which containers; <see langword="null"/> for all of them.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>The containers that were removed (a container that vanished meanwhile counts as removed).</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    public static Task<IReadOnlyList<ManagedContainer>> RemoveAsync(ManagedContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        return RemoveMatchingAsync(filter ?? new ManagedContainerFilter(), _ => true, cancellationToken);
    }

    /// <summary>Lists the <c>/app</c> volumes of managed containers that no container uses any longer (see <see cref="RemoveLeftoverVolumesAsync"/>).</summary>
    /// <param name="filter">Which volumes, by their container's labels; <see langword="null"/> for all of them.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The names of the volumes.</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    public static async Task<IReadOnlyList<string>> ListLeftoverVolumesAsync(ManagedContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new ManagedContainerFilter();
        using var engine = await ConnectAsync(filter, cancellationToken).ConfigureAwait(false);
        return await engine.ListUnusedVolumesAsync(LabelsOf(filter), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the <c>/app</c> volumes of managed containers that no container uses any longer: left behind when a container
    /// was removed without its volumes (by hand, or by a tool other than this library). A volume carries its container's
    /// labels, so <paramref name="filter"/> selects them as it selects containers; its <see cref="ManagedContainerFilter.OrphanedOnly"/>
    /// is not needed, since a volume no container uses belongs to no live sandbox.
    /// </summary>
    /// <param name="filter">Which volumes, by their container's labels; <see langword="null"/> for all of them.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>The names of the volumes that were removed.</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    public static async Task<IReadOnlyList<string>> RemoveLeftoverVolumesAsync(ManagedContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new ManagedContainerFilter();
        using var engine = await ConnectAsync(filter, cancellationToken).ConfigureAwait(false);
        var removed = new List<string>();
        foreach (var volume in await engine.ListUnusedVolumesAsync(LabelsOf(filter), cancellationToken).ConfigureAwait(false))
        {
            if (await engine.RemoveVolumeAsync(volume, cancellationToken).ConfigureAwait(false))
            {
                removed.Add(volume);
            }
        }

        return removed;
    }

    /// <summary>Lists the library's networks that nothing needs any longer (see <see cref="RemoveLeftoverNetworksAsync"/>).</summary>
    /// <param name="filter">Which networks, by their labels; <see langword="null"/> for all of them.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The ids of the networks.</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    public static async Task<IReadOnlyList<string>> ListLeftoverNetworksAsync(ManagedContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new ManagedContainerFilter();
        using var engine = await ConnectAsync(filter, cancellationToken).ConfigureAwait(false);
        return await LeftoverNetworks.ListAsync(engine, LabelsOf(filter), SandboxNetwork.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the library's networks that nothing needs any longer: every network with the library's label that no container
    /// is attached to, except the network sandboxes start on (<c>ipybox-sandboxes</c>, the oldest of that name), which is kept.
    /// These are duplicates of that network, left when processes raced to create it on an engine that lets two networks share
    /// a name (before API 1.44, where a duplicate stops every sandbox from starting), and networks an earlier setup left.
    /// A network with containers is never removed. The library's networks carry none of a sandbox's labels, so a
    /// <paramref name="filter"/> with an image, a conversation or labels of its own selects only networks labelled so.
    /// </summary>
    /// <param name="filter">Which networks, by their labels; <see langword="null"/> for all of them.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>The ids of the networks that were removed.</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    public static async Task<IReadOnlyList<string>> RemoveLeftoverNetworksAsync(ManagedContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new ManagedContainerFilter();
        using var engine = await ConnectAsync(filter, cancellationToken).ConfigureAwait(false);
        return await LeftoverNetworks.RemoveAsync(engine, LabelsOf(filter), SandboxNetwork.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the leftover snapshot images that no snapshot name points to any longer (see <see cref="RemoveLeftoverSnapshotImagesAsync"/>).</summary>
    /// <param name="filter">Which images, by their labels; <see langword="null"/> for all of them.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The ids of the images.</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    public static async Task<IReadOnlyList<string>> ListLeftoverSnapshotImagesAsync(ManagedContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new ManagedContainerFilter();
        using var engine = await ConnectAsync(filter, cancellationToken).ConfigureAwait(false);
        return await SnapshotImages.ListLeftoversAsync(engine, LabelsOf(filter), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the snapshot images that no snapshot name points to any longer: saving a snapshot again under its name moves
    /// the name to a new image and leaves the old one behind. An image a sandbox started from still uses is kept. Snapshot
    /// images carry the library's label and the image they extend (<see cref="ManagedContainerFilter.Image"/>) but none of a
    /// sandbox's other labels, so a <paramref name="filter"/> with a conversation or labels of its own selects none.
    /// </summary>
    /// <param name="filter">Which images, by their labels; <see langword="null"/> for all of them.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>The ids of the images that were removed.</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    public static async Task<IReadOnlyList<string>> RemoveLeftoverSnapshotImagesAsync(ManagedContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new ManagedContainerFilter();
        using var engine = await ConnectAsync(filter, cancellationToken).ConfigureAwait(false);
        return await SnapshotImages.RemoveLeftoversAsync(engine, LabelsOf(filter), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the orphans that a provider with <paramref name="options"/> would have created: containers on its engine with
    /// its extra labels whose owner on this machine is gone, and durable sandboxes whose lease expired. Only containers that record their owner's start time count,
    /// so a reused process id is never mistaken for a dead owner; older ones are left to <see cref="RemoveAsync"/>.
    /// </summary>
    /// <returns>The containers that were removed.</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    internal static async Task<IReadOnlyList<ManagedContainer>> RemoveOrphansOfAsync(ExecutionContainerOptions options, CancellationToken cancellationToken) =>
        await RemoveMatchingAsync(FilterOf(options), container => container.OwnerStarted is not null, cancellationToken).ConfigureAwait(false);

    /// <summary>Removes the leftover <c>/app</c> volumes (see <see cref="RemoveLeftoverVolumesAsync"/>) of containers a provider with <paramref name="options"/> would have created.</summary>
    /// <returns>The names of the volumes that were removed.</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    internal static Task<IReadOnlyList<string>> RemoveLeftoverVolumesOfAsync(ExecutionContainerOptions options, CancellationToken cancellationToken) =>
        RemoveLeftoverVolumesAsync(FilterOf(options), cancellationToken);

    /// <summary>Removes the leftover networks (see <see cref="RemoveLeftoverNetworksAsync"/>) on the engine of a provider with <paramref name="options"/> that carry its extra labels.</summary>
    /// <returns>The ids of the networks that were removed.</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    internal static Task<IReadOnlyList<string>> RemoveLeftoverNetworksOfAsync(ExecutionContainerOptions options, CancellationToken cancellationToken) =>
        RemoveLeftoverNetworksAsync(FilterOf(options), cancellationToken);

    /// <summary>What a provider with <paramref name="options"/> creates: its engine and extra labels, whatever the conversation or pool.</summary>
    private static ManagedContainerFilter FilterOf(ExecutionContainerOptions options)
    {
        var filter = new ManagedContainerFilter { OrphanedOnly = true, DockerEndpoint = options.DockerEndpoint };
        foreach (var (key, value) in options.Labels)
        {
            filter.Labels[key] = value;
        }

        filter.Labels.Remove(ContainerLabels.Conversation);
        filter.Labels.Remove(ContainerLabels.Pool);
        return filter;
    }

    private static async Task<IReadOnlyList<ManagedContainer>> RemoveMatchingAsync(ManagedContainerFilter filter, Func<ManagedContainer, bool> include, CancellationToken cancellationToken)
    {
        using var engine = await ConnectAsync(filter, cancellationToken).ConfigureAwait(false);
        var removed = new List<ManagedContainer>();
        foreach (var container in (await ListCoreAsync(engine, filter, cancellationToken).ConfigureAwait(false)).Where(include))
        {
            // A container that is gone meanwhile, or being removed elsewhere, reaches the goal too.
            await engine.RemoveContainerAsync(container.Id, cancellationToken).ConfigureAwait(false);
            removed.Add(container);
        }

        return removed;
    }

    private static Task<DockerOperations> ConnectAsync(ManagedContainerFilter filter, CancellationToken cancellationToken) =>
        DockerOperations.ConnectAsync(DockerEndpoint.Resolve(filter.DockerEndpoint), s_engineTimeout, timeProvider: null, cancellationToken);

    private static async Task<IReadOnlyList<ManagedContainer>> ListCoreAsync(DockerOperations engine, ManagedContainerFilter filter, CancellationToken cancellationToken)
    {
        var found = await engine.ListContainersAsync(LabelsOf(filter), cancellationToken).ConfigureAwait(false);
        return found.Select(Describe).Where(c => !filter.OrphanedOnly || c.IsOrphaned).ToList();
    }

    /// <summary>The label filters of <paramref name="filter"/>, for containers and their volumes alike.</summary>
    private static List<string> LabelsOf(ManagedContainerFilter filter)
    {
        var labels = new List<string> { $"{ContainerLabels.Managed}=true" };
        if (filter.Image is not null)
        {
            labels.Add($"{ContainerLabels.Image}={filter.Image}");
        }

        if (filter.ConversationKey is not null)
        {
            labels.Add($"{ContainerLabels.Conversation}={filter.ConversationKey}");
        }

        labels.AddRange(filter.Labels.Select(label => $"{label.Key}={label.Value}"));
        return labels;
    }

    private static ManagedContainer Describe(ContainerListResponse container)
    {
        var labels = container.Labels ?? new Dictionary<string, string>();
        int? pid = labels.TryGetValue(ContainerLabels.OwnerProcessId, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        var host = labels.TryGetValue(ContainerLabels.OwnerHost, out var h) ? h : null;
        var image = labels.TryGetValue(ContainerLabels.Image, out var i) ? i : container.Image;
        var name = container.Names?.FirstOrDefault()?.TrimStart('/') ?? string.Empty;
        // A durable sandbox belongs to its lease, not to the process that created it.
        var sandbox = SandboxDescription.From(container);
        var orphaned = sandbox.Lease is null
            ? ProcessOwner.IsGone(labels, Environment.MachineName)
            : sandbox.IsExpired(DateTimeOffset.UtcNow);
        return new ManagedContainer(container.ID, name, image, container.State ?? string.Empty, pid, host, orphaned)
        {
            ConversationKey = labels.TryGetValue(ContainerLabels.Conversation, out var conversation) ? conversation : null,
            OwnerStarted = ProcessOwner.RecordedStart(labels),
            LeaseExpires = sandbox.LeaseExpires,
        };
    }
}
