using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI;

/// <summary>
/// Prepares the sandboxes' engine and image when the application starts (<c>AddIpyBox().PrepareImageOnStart()</c>), logging
/// the build or pull as it goes, so that the first tool call does not silently wait minutes for an image. The engine and image
/// are those of the registered provider's <see cref="DockerSandboxProvider"/> (found through <c>GetService</c>); a provider
/// without one needs no image, and the preparation only logs that.
/// </summary>
/// <param name="provider">Resolves the registered provider; called once the host's start path has been left.</param>
/// <param name="waitUntilReady">Whether the host's start waits for the preparation and fails with it.</param>
/// <param name="logger">The logger; <see langword="null"/> for none.</param>
internal sealed class IpyBoxImagePreparation(Func<ISandboxProvider> provider, bool waitUntilReady, ILogger<IpyBoxImagePreparation>? logger = null) : IHostedService, IDisposable
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _work;

    /// <summary>Gets the preparation in progress or done; <see langword="null"/> before the host started.</summary>
    internal Task? Completion => _work;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var work = PrepareAsync(_stopping.Token);
        _work = work;
        if (waitUntilReady)
        {
            // A start that waits fails the host with the reason: better than a first tool call that cannot work.
            await work.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _work = work.ContinueWith(
                t => Log.ImagePreparationFailed(_logger, t.Exception!.GetBaseException()),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_work is not { } work)
        {
            return;
        }

        try
        {
            await work.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Stopping: a cancelled or failed preparation was already reported (logged, or thrown from StartAsync).
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        // Leave the host's start path at once; the engine calls below may take minutes.
        await Task.Yield();
        var sandboxes = provider();
        if (sandboxes.GetService<DockerSandboxProvider>() is not { } docker)
        {
            Log.ImagePreparationNotNeeded(_logger, sandboxes.GetType().Name);
            return;
        }

        var image = docker.Image;
        Log.ImagePreparationStarted(_logger, image);
        var started = Stopwatch.GetTimestamp();
        await docker.PrepareImageAsync(new LoggingProgress(_logger, docker.ContainerOptions.Progress), cancellationToken).ConfigureAwait(false);
        Log.ImagePreparationFinished(_logger, image, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Writes each progress line to the log, synchronously and in order, and passes it on to the application's sink.</summary>
    private sealed class LoggingProgress(ILogger logger, IProgress<ImageProgress>? next) : IProgress<ImageProgress>
    {
        public void Report(ImageProgress value)
        {
            if (value.PlainMessage.Trim() is { Length: > 0 } line)
            {
                Log.ImagePreparationProgress(logger, value.Image, line);
            }

            next?.Report(value);
        }
    }
}
