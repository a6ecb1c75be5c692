using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>A sandbox on a Jupyter server: one kernel there, and the server's files through its Contents API.</summary>
internal sealed class JupyterServerSandbox : ISandbox
{
    private readonly ResettableKernel _kernel;
    private readonly ContentsApiFiles _files;
    private readonly JupyterServerApi _api;
    private readonly ILogger _logger;
    private int _disposed;

    public JupyterServerSandbox(ResettableKernel kernel, ContentsApiFiles files, JupyterServerApi api, ILogger logger)
    {
        _kernel = kernel;
        _files = files;
        _api = api;
        _logger = logger;
        Id = kernel.Client?.KernelId ?? throw new InvalidOperationException("The kernel has not been connected.");
    }

    /// <summary>Gets the id of the sandbox's first kernel; a reset starts a kernel with a new id but the sandbox keeps this one.</summary>
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

        object?[] services = [this, _files, _kernel.Client];
        return services.FirstOrDefault(serviceType.IsInstanceOfType);
    }

    /// <summary>Deletes the kernel; the server and its files stay. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _kernel.DisposeAsync().ConfigureAwait(false);
        _api.Dispose();
        Log.JupyterSandboxDisposed(_logger, Id);
    }
}
