using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Makes sure an image is present: builds the runtime image from the embedded context or pulls any other.</summary>
internal static class ImageProvisioner
{
    private static readonly SemaphoreSlim s_buildGate = new(1, 1);

    public static async Task EnsureAsync(IDockerClient docker, string tag, IProgress<ImageProgress>? progress, ILogger logger, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(docker, tag, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (tag == RuntimeImage.DefaultTag || tag == RuntimeImage.RootTag)
        {
            // Containers started together in one process build the image once.
            await s_buildGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (await ExistsAsync(docker, tag, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                Log.BuildingImage(logger, tag);
                await BuildRuntimeImageAsync(docker, tag, root: tag == RuntimeImage.RootTag, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (ImageBuildException)
            {
                // Another process may have built the same image at the same time and won the race for the tag.
                if (!await ExistsAsync(docker, tag, CancellationToken.None).ConfigureAwait(false))
                {
                    throw;
                }
            }
            finally
            {
                s_buildGate.Release();
            }

            return;
        }

        Log.PullingImage(logger, tag);
        await PullAsync(docker, tag, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the runtime image from the embedded context under <paramref name="tag"/>.</summary>
    public static async Task BuildRuntimeImageAsync(IDockerClient docker, string tag, bool root, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        var buildArgs = new Dictionary<string, string> { ["IMAGE_VERSION"] = RuntimeImage.Version };
        if (root)
        {
            buildArgs["RUN_AS"] = "root";
        }

        using var context = RuntimeImage.CreateContextArchive();
        await BuildAsync(docker, tag, context, buildArgs, progress, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<bool> ExistsAsync(IDockerClient docker, string tag, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Images.InspectImageAsync(tag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Builds an image from a tar context; build errors arrive in the progress stream and are raised here.</summary>
    public static async Task BuildAsync(
        IDockerClient docker,
        string tag,
        Stream context,
        IDictionary<string, string> buildArgs,
        IProgress<ImageProgress>? progress,
        CancellationToken cancellationToken)
    {
        var recorder = new ProgressRecorder(tag, progress);
        var parameters = new ImageBuildParameters
        {
            Tags = [tag],
            BuildArgs = buildArgs,
            Remove = true,
            ForceRemove = true,
        };

        try
        {
            await docker.Images.BuildImageFromDockerfileAsync(parameters, context, null, null, recorder, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex)
        {
            throw new ImageBuildException($"Building image {tag} failed: {ex.ResponseBody}", recorder.Output);
        }

        if (recorder.Error is not null)
        {
            throw new ImageBuildException($"Building image {tag} failed: {recorder.Error}", recorder.Output);
        }
    }

    private static async Task PullAsync(IDockerClient docker, string tag, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        var recorder = new ProgressRecorder(tag, progress);
        try
        {
            await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = tag }, null, recorder, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex)
        {
            throw new ImageBuildException($"Image {tag} is not present and could not be pulled: {ex.ResponseBody?.Trim()}", recorder.Output);
        }

        if (recorder.Error is not null)
        {
            throw new ImageBuildException($"Image {tag} is not present and could not be pulled: {recorder.Error}", recorder.Output);
        }
    }

    /// <summary>Synchronous progress sink: keeps the output and the first error, forwards lines in order.</summary>
    private sealed class ProgressRecorder(string tag, IProgress<ImageProgress>? sink) : IProgress<JSONMessage>
    {
        private readonly StringBuilder _output = new();

        public string? Error { get; private set; }

        public string Output => _output.ToString();

        public void Report(JSONMessage value)
        {
            var error = value.Error?.Message;
            if (!string.IsNullOrEmpty(error))
            {
                Error ??= error.Trim();
                _output.AppendLine(error.Trim());
                return;
            }

            var line = value.Stream ?? (value.Status is null ? null : $"{value.Status} {value.ID}".Trim());
            if (string.IsNullOrEmpty(line))
            {
                return;
            }

            _output.Append(line);
            if (!line.EndsWith('\n'))
            {
                _output.Append('\n');
            }

            sink?.Report(new ImageProgress(tag, line.TrimEnd('\n')));
        }
    }
}
