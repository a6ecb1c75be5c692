namespace IpyBox.AI;

/// <summary>A sandbox in a Docker container: the container, its kernel, and its files through the engine's archive API.</summary>
internal sealed class DockerSandbox : ISandbox, ISandboxHealthCheck
{
    private readonly ExecutionContainer _container;
    private readonly ResettableKernel _kernel;
    private readonly ResourceClient _files;
    private int _disposed;

    public DockerSandbox(ExecutionContainer container, ResettableKernel kernel, ResourceClient files)
    {
        _container = container;
        _kernel = kernel;
        _files = files;
        Id = container.ContainerId ?? throw new InvalidOperationException("The container has not been started.");
    }

    public string Id { get; }

    public ISandboxFiles Files => _files;

    public Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _kernel.SubmitAsync(code, timeout, cancellationToken);

    public Task ResetAsync(CancellationToken cancellationToken = default) => _kernel.ResetAsync(cancellationToken);

    public IDisposable AddMessageHandler(IJupyterMessageHandler handler) => _kernel.AddMessageHandler(handler);

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        object?[] services = [this, _container, _files, _kernel.Client];
        return services.FirstOrDefault(serviceType.IsInstanceOfType);
    }

    /// <summary>Checks that the container is running and the kernel's connection is open and has not reported a dead kernel.</summary>
    public async Task CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new SandboxUnavailableException($"The sandbox {Id} was disposed.");
        }

        try
        {
            await _container.ThrowIfNotRunningAsync(cancellationToken).ConfigureAwait(false);
            _kernel.ThrowIfUnusable();
        }
        catch (Exception ex) when (ex is not SandboxUnavailableException and not OperationCanceledException and not OutOfMemoryException)
        {
            throw new SandboxUnavailableException(ex.Message, ex);
        }
    }

    /// <summary>Deletes the kernel and removes the container. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _kernel.DisposeAsync().ConfigureAwait(false);
        await _container.DisposeAsync().ConfigureAwait(false);
    }
}
