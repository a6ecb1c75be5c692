namespace IpyBox.AI;

/// <summary>
/// What every backend's sandbox shares: one kernel at a time (<see cref="ResettableKernel"/>), replaced on reset with the
/// message handlers carried over, the backend's files, and a health check of the kernel's connection. A backend adds its
/// identity, the objects it exposes through <see cref="GetService"/>, a check of what runs the kernel, and what it
/// releases after the kernel is deleted.
/// </summary>
internal abstract class KernelSandbox : ISandbox, ISandboxHealthCheck, ISandboxWarmUp
{
    private readonly ResettableKernel _kernel;
    private int _disposed;

    protected KernelSandbox(string id, ResettableKernel kernel, ISandboxFiles files)
    {
        Id = id;
        _kernel = kernel;
        Files = files;
    }

    public string Id { get; }

    /// <summary>Returns <paramref name="host"/> reporting a lost kernel as the sandbox's <see cref="SandboxUnavailableException"/>, so its session replaces it.</summary>
    /// <param name="host">What runs the kernel's server.</param>
    internal static KernelServerHost Reporting(KernelServerHost host) =>
        host with { Unavailable = static (message, cause) => new SandboxUnavailableException(message, cause) };

    public ISandboxFiles Files { get; }

    public Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _kernel.SubmitAsync(code, timeout, cancellationToken);

    public Task ResetAsync(CancellationToken cancellationToken = default) => _kernel.ResetAsync(cancellationToken);

    public Task WarmUpAsync(CancellationToken cancellationToken = default) => _kernel.WarmUpAsync(cancellationToken);

    public IDisposable AddMessageHandler(IJupyterMessageHandler handler) => _kernel.AddMessageHandler(handler);

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        object?[] services = [this, Files, _kernel.Client, .. BackendServices];
        return services.FirstOrDefault(serviceType.IsInstanceOfType);
    }

    /// <summary>Checks that what runs the kernel is alive and that the kernel's connection is open and has not reported a dead kernel.</summary>
    public async Task CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new SandboxUnavailableException($"The sandbox {Id} was disposed.");
        }

        try
        {
            await CheckBackendAsync(cancellationToken).ConfigureAwait(false);
            _kernel.ThrowIfUnusable();
        }
        catch (Exception ex) when (ex is not SandboxUnavailableException and not OperationCanceledException and not OutOfMemoryException)
        {
            throw new SandboxUnavailableException(ex.Message, ex);
        }
    }

    /// <summary>Deletes the kernel (or, when the backend keeps the sandbox, leaves it running), then releases what the backend holds. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (KeepsKernel)
        {
            await _kernel.DetachAsync().ConfigureAwait(false);
        }
        else
        {
            await _kernel.DisposeAsync().ConfigureAwait(false);
        }
        await DisposeBackendAsync().ConfigureAwait(false);
    }

    /// <summary>Gets a value indicating whether disposing leaves the kernel running: the sandbox outlives this object (durable, or attached to).</summary>
    protected virtual bool KeepsKernel => false;

    /// <summary>Gets the backend's own objects that <see cref="GetService"/> hands out (e.g. the container).</summary>
    protected virtual IEnumerable<object> BackendServices => [];

    /// <summary>Checks that what runs the kernel (a container, say) is alive; throws when it is not.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the check passed.</returns>
    protected virtual Task CheckBackendAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Releases what the backend holds for the sandbox, after its kernel is deleted.</summary>
    protected abstract ValueTask DisposeBackendAsync();
}
