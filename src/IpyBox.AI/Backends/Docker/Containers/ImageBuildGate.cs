using System.Collections.Concurrent;

namespace IpyBox.AI;

/// <summary>
/// Lets one build of an image run at a time per engine and tag, so that sandboxes started together in one process build the
/// image once, while builds on other engines, or of other images, do not wait for it.
/// </summary>
internal sealed class ImageBuildGate
{
    // One small semaphore per engine and tag the process has built on; never removed, as there are few of them.
    private readonly ConcurrentDictionary<(Uri Engine, string Tag), SemaphoreSlim> _gates = new();

    /// <summary>Gets the gate the process's image builds share.</summary>
    public static ImageBuildGate Shared { get; } = new();

    /// <summary>
    /// Runs <paramref name="build"/> unless <paramref name="exists"/> says the image is there, after any build of the same image on
    /// the same engine has finished.
    /// </summary>
    /// <param name="engine">The engine's address.</param>
    /// <param name="tag">The image's tag.</param>
    /// <param name="exists">Tells whether the engine has the image, asked once the gate is held.</param>
    /// <param name="build">Builds the image.</param>
    /// <param name="cancellationToken">Cancels the wait for the gate, the check and the build.</param>
    /// <returns><see langword="true"/> when this call built the image; <see langword="false"/> when it was there.</returns>
    public async Task<bool> BuildOnceAsync(Uri engine, string tag, Func<CancellationToken, Task<bool>> exists, Func<CancellationToken, Task> build, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd((engine, tag), static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await exists(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            await build(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }
}
