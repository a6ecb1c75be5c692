using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI;

/// <summary>The engine calls that keep a sandbox beyond its process: pause, stop, rename (its lease), and images committed from containers (snapshots).</summary>
internal sealed partial class DockerOperations
{
    /// <summary>How many times a freeze the runtime could not complete is tried in all.</summary>
    private const int MaxFreezeAttempts = 5;

    /// <summary>
    /// Freezes a running container (the cgroup freezer); harmless when it is paused already. The freezer gives up when a
    /// process of the container does not stop in time (one forking, or stuck in the kernel, on a loaded machine: the runtime
    /// answers "unable to freeze"); the freeze is then tried again, a few times, a little later each time.
    /// </summary>
    /// <exception cref="DockerApiException">The container is not running, is gone, or could not be frozen after the retries.</exception>
    public Task PauseContainerAsync(string id, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _client.Containers.PauseContainerAsync(id, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (DockerApiException ex) when (ex.ResponseBody?.Contains("already paused", StringComparison.OrdinalIgnoreCase) == true)
                {
                    return; // The goal is reached.
                }
                catch (DockerApiException ex) when (attempt < MaxFreezeAttempts && ex.ResponseBody?.Contains("unable to freeze", StringComparison.OrdinalIgnoreCase) == true)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), _time, cancellationToken).ConfigureAwait(false);
                }
            }
        });

    /// <summary>Thaws a paused container; harmless when it is not paused.</summary>
    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                await _client.Containers.UnpauseContainerAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException ex) when (ex.ResponseBody?.Contains("is not paused", StringComparison.OrdinalIgnoreCase) == true)
            {
                // The goal is reached.
            }
        });

    /// <summary>Stops a container: its main process gets SIGTERM, then SIGKILL after <paramref name="grace"/>. Harmless when it is stopped already.</summary>
    public Task StopContainerAsync(string id, TimeSpan grace, CancellationToken cancellationToken) =>
        GuardAsync(() => _client.Containers.StopContainerAsync(
            id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(grace.TotalSeconds) }, cancellationToken));

    /// <summary>Gives a container a new name; harmless when it already has that name (a lease set twice within one second).</summary>
    public Task RenameContainerAsync(string id, string name, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                await _client.Containers.RenameContainerAsync(id, new ContainerRenameParameters { NewName = name }, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.BadRequest
                && ex.ResponseBody?.Contains("same name as its current name", StringComparison.OrdinalIgnoreCase) == true)
            {
            }
        });

    /// <summary>Makes an image of a container's file system (its volumes not included), tagged <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    /// <returns>The image id.</returns>
    public Task<string> CommitContainerAsync(string id, string repository, string tag, IDictionary<string, string> labels, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            var response = await _client.Images.CommitContainerChangesAsync(
                new CommitContainerChangesParameters
                {
                    ContainerID = id,
                    RepositoryName = repository,
                    Tag = tag,
                    Pause = false,
                    Labels = labels,
                },
                cancellationToken).ConfigureAwait(false);
            return response.ID;
        });

    /// <summary>The size of an image's newest layer (for a committed image, what the commit added), in bytes.</summary>
    public Task<long> NewestLayerSizeAsync(string image, CancellationToken cancellationToken) =>
        GuardAsync(async () => (await _client.Images.GetImageHistoryAsync(image, cancellationToken).ConfigureAwait(false)).FirstOrDefault()?.Size ?? 0);

    /// <summary>Lists the images that carry every one of <paramref name="labels"/>.</summary>
    public Task<IList<ImagesListResponse>> ListImagesAsync(IEnumerable<string> labels, CancellationToken cancellationToken) =>
        GuardAsync(() => _client.Images.ListImagesAsync(
            new ImagesListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
                {
                    ["label"] = labels.Distinct(StringComparer.Ordinal).ToDictionary(label => label, _ => true, StringComparer.Ordinal),
                },
            },
            cancellationToken));

    /// <summary>Removes an image by name or id; <paramref name="force"/> untags an image that containers still use, whose layers then stay until they are gone.</summary>
    /// <returns><see langword="true"/> when this call removed it; <see langword="false"/> when it was gone already.</returns>
    /// <exception cref="DockerApiException">A container still uses the image (409).</exception>
    public Task<bool> RemoveImageAsync(string image, bool force, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                await _client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = force }, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DockerImageNotFoundException)
            {
                return false;
            }
            catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return false;
            }
        });
}
