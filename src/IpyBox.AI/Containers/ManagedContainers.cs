using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI;

/// <summary>
/// Finds and removes the containers IpyBox.AI created, by their <see cref="ContainerLabels.Managed"/> label, including
/// orphans left by a process that crashed before it could remove its container.
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
        var endpoint = DockerEndpoint.Resolve(filter.DockerEndpoint);
        using var docker = endpoint.CreateClient(s_engineTimeout);
        return await ListCoreAsync(docker, endpoint, filter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Force-removes the managed containers that match <paramref name="filter"/>.</summary>
    /// <param name="filter">Which containers; <see langword="null"/> for all of them.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>The containers that were removed (a container that vanished meanwhile counts as removed).</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    public static async Task<IReadOnlyList<ManagedContainer>> RemoveAsync(ManagedContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new ManagedContainerFilter();
        var endpoint = DockerEndpoint.Resolve(filter.DockerEndpoint);
        using var docker = endpoint.CreateClient(s_engineTimeout);
        var removed = new List<ManagedContainer>();
        foreach (var container in await ListCoreAsync(docker, endpoint, filter, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await docker.Containers.RemoveContainerAsync(container.Id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerContainerNotFoundException)
            {
                // Gone meanwhile: the goal is reached.
            }
            catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // Removal already in progress elsewhere.
            }

            removed.Add(container);
        }

        return removed;
    }

    private static async Task<IReadOnlyList<ManagedContainer>> ListCoreAsync(IDockerClient docker, DockerEndpoint endpoint, ManagedContainerFilter filter, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, bool>(StringComparer.Ordinal) { [$"{ContainerLabels.Managed}=true"] = true };
        if (filter.Image is not null)
        {
            labels[$"{ContainerLabels.Image}={filter.Image}"] = true;
        }

        foreach (var (key, value) in filter.Labels)
        {
            labels[$"{key}={value}"] = true;
        }

        IList<ContainerListResponse> found;
        try
        {
            found = await docker.Containers.ListContainersAsync(
                new ContainersListParameters
                {
                    All = true,
                    Filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal) { ["label"] = labels },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new DockerUnavailableException(
                $"No Docker engine answers at {endpoint}. Start one, or point DOCKER_HOST at a running engine.", ex);
        }

        return found.Select(Describe).Where(c => !filter.OrphanedOnly || c.IsOrphaned).ToList();
    }

    private static ManagedContainer Describe(ContainerListResponse container)
    {
        var labels = container.Labels ?? new Dictionary<string, string>();
        int? pid = labels.TryGetValue(ContainerLabels.OwnerProcessId, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        var host = labels.TryGetValue(ContainerLabels.OwnerHost, out var h) ? h : null;
        var image = labels.TryGetValue(ContainerLabels.Image, out var i) ? i : container.Image;
        var name = container.Names?.FirstOrDefault()?.TrimStart('/') ?? string.Empty;
        var orphaned = pid is { } id && string.Equals(host, Environment.MachineName, StringComparison.Ordinal) && !IsAlive(id);
        return new ManagedContainer(container.ID, name, image, container.State ?? string.Empty, pid, host, orphaned);
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
