using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Makes sure an image is present: builds the runtime image from the embedded context or pulls any other.</summary>
internal static class ImageProvisioner
{
    /// <summary>Returns the image's description, building or pulling the image first when the engine lacks it.</summary>
    public static async Task<ImageInspectResponse> EnsureAsync(DockerOperations engine, string tag, IProgress<ImageProgress>? progress, ILogger logger, CancellationToken cancellationToken)
    {
        if (await engine.InspectImageAsync(tag, cancellationToken).ConfigureAwait(false) is { } present)
        {
            return present;
        }

        await ProvideAsync(engine, tag, progress, logger, cancellationToken).ConfigureAwait(false);
        return await engine.InspectImageAsync(tag, cancellationToken).ConfigureAwait(false)
            ?? throw new ImageBuildException($"Image {tag} was removed from the engine right after it was provided; start again.");
    }

    private static async Task ProvideAsync(DockerOperations engine, string tag, IProgress<ImageProgress>? progress, ILogger logger, CancellationToken cancellationToken)
    {
        if (tag == RuntimeImage.DefaultTag || tag == RuntimeImage.RootTag)
        {
            // Containers started together in one process build the image once per engine; other engines do not wait.
            try
            {
                await EngineCreationGate.Shared.CreateOnceAsync(
                    engine.Endpoint.Uri,
                    tag,
                    ct => ExistsAsync(engine, tag, ct),
                    ct =>
                    {
                        Log.BuildingImage(logger, tag);
                        AnnounceUnlessFollowed(progress, logger, $"building its sandbox image {tag} (first use on this engine; a few minutes)");
                        return BuildRuntimeImageAsync(engine, tag, root: tag == RuntimeImage.RootTag, progress, ct);
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ImageBuildException)
            {
                // Another process may have built the same image at the same time and won the race for the tag.
                if (!await ExistsAsync(engine, tag, CancellationToken.None).ConfigureAwait(false))
                {
                    throw;
                }
            }

            return;
        }

        Log.PullingImage(logger, tag);
        AnnounceUnlessFollowed(progress, logger, $"pulling image {tag}");
        await engine.PullImageAsync(tag, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the runtime image from the embedded context under <paramref name="tag"/>.</summary>
    public static async Task BuildRuntimeImageAsync(DockerOperations engine, string tag, bool root, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        var buildArgs = new Dictionary<string, string> { ["IMAGE_VERSION"] = RuntimeImage.Version };
        if (root)
        {
            buildArgs["RUN_AS"] = "root";
        }

        using var context = RuntimeImage.CreateContextArchive();
        await engine.BuildImageAsync(tag, context, buildArgs, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Says on stderr that a long image build or pull starts when nothing else would show it (no progress handler, no
    /// log at Information): a first start would otherwise wait for minutes without a word.
    /// </summary>
    private static void AnnounceUnlessFollowed(IProgress<ImageProgress>? progress, ILogger logger, string what)
    {
        if (progress is null && !logger.IsEnabled(LogLevel.Information))
        {
            Console.Error.WriteLine(
                $"IpyBox.AI is {what}. Set ExecutionContainerOptions.Progress or pass a logger factory to follow it; 'ipybox build' prepares the image ahead of time.");
        }
    }

    private static async Task<bool> ExistsAsync(DockerOperations engine, string tag, CancellationToken cancellationToken) =>
        await engine.InspectImageAsync(tag, cancellationToken).ConfigureAwait(false) is not null;
}
