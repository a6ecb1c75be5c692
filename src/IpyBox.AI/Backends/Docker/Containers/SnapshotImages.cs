using Docker.DotNet;

namespace IpyBox.AI;

/// <summary>
/// The images that hold snapshots (<see cref="ContainerLabels.Snapshot"/>): their names, and those that saving a snapshot again
/// left behind, which no snapshot name points to any longer.
/// </summary>
internal static class SnapshotImages
{
    /// <summary>The repository of every snapshot's image; the tag is the snapshot's name.</summary>
    public const string Repository = "ipybox-snapshot";

    /// <summary>Returns the image name of the snapshot <paramref name="name"/>.</summary>
    public static string ImageOf(string name) => $"{Repository}:{name}";

    /// <summary>
    /// Lists the leftover snapshot images that carry every one of <paramref name="labels"/>: images with the snapshot labels
    /// that no longer hold their snapshot's name, because saving again under that name moved it to a newer image.
    /// </summary>
    /// <returns>The image ids.</returns>
    public static async Task<IReadOnlyList<string>> ListLeftoversAsync(DockerOperations engine, IEnumerable<string> labels, CancellationToken cancellationToken)
    {
        var images = await engine.ListImagesAsync([.. labels, ContainerLabels.Snapshot], cancellationToken).ConfigureAwait(false);
        return [.. images
            .Where(image => image.RepoTags?.Contains(ImageOf(image.Labels[ContainerLabels.Snapshot])) != true)
            .Select(image => image.ID)];
    }

    /// <summary>Removes the leftover snapshot images (see <see cref="ListLeftoversAsync"/>) that no container uses; one a sandbox started from is kept.</summary>
    /// <returns>The ids of the images this call removed.</returns>
    public static async Task<IReadOnlyList<string>> RemoveLeftoversAsync(DockerOperations engine, IEnumerable<string> labels, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        foreach (var image in await ListLeftoversAsync(engine, labels, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (await engine.RemoveImageAsync(image, force: false, cancellationToken).ConfigureAwait(false))
                {
                    removed.Add(image);
                }
            }
            catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // A sandbox started from the snapshot before it was saved again still uses the image.
            }
        }

        return removed;
    }
}
