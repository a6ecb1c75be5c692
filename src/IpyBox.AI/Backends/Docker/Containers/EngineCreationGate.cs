using System.Collections.Concurrent;

namespace IpyBox.AI;

/// <summary>
/// Lets one creation of a shared engine resource (an image, the sandbox network) run at a time per engine and name, so that
/// sandboxes started together in one process create it once, while creations on other engines, or of other resources, do
/// not wait for it.
/// </summary>
internal sealed class EngineCreationGate
{
    // One small semaphore per engine and resource the process has created; never removed, as there are few of them.
    private readonly ConcurrentDictionary<(Uri Engine, string Name), SemaphoreSlim> _gates = new();

    /// <summary>Gets the gate the process's creations share.</summary>
    public static EngineCreationGate Shared { get; } = new();

    /// <summary>
    /// Runs <paramref name="create"/> unless <paramref name="exists"/> says the resource is there, after any creation of the same
    /// resource on the same engine has finished.
    /// </summary>
    /// <param name="engine">The engine's address.</param>
    /// <param name="name">The resource's name, e.g. an image's tag.</param>
    /// <param name="exists">Tells whether the engine has the resource, asked once the gate is held.</param>
    /// <param name="create">Creates the resource (builds the image, say).</param>
    /// <param name="cancellationToken">Cancels the wait for the gate, the check and the creation.</param>
    /// <returns><see langword="true"/> when this call created the resource; <see langword="false"/> when it was there.</returns>
    public async Task<bool> CreateOnceAsync(Uri engine, string name, Func<CancellationToken, Task<bool>> exists, Func<CancellationToken, Task> create, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd((engine, name), static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await exists(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            await create(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }
}
