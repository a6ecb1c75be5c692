using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// A sandbox on a Jupyter server: one kernel there, and the server's files through its Contents API. Its id is the id of
/// its first kernel; a reset starts a kernel with a new id, but the sandbox keeps its own.
/// </summary>
internal sealed class JupyterServerSandbox : KernelSandbox
{
    private readonly JupyterServerApi _api;
    private readonly ILogger _logger;

    public JupyterServerSandbox(ResettableKernel kernel, ContentsApiFiles files, JupyterServerApi api, ILogger logger)
        : base(kernel.Client?.KernelId ?? throw new InvalidOperationException("The kernel has not been connected."), kernel, files)
    {
        _api = api;
        _logger = logger;
    }

    /// <summary>Releases the REST client; the server and its files stay.</summary>
    protected override ValueTask DisposeBackendAsync()
    {
        _api.Dispose();
        Log.JupyterSandboxDisposed(_logger, Id);
        return ValueTask.CompletedTask;
    }
}
