using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// A sandbox on a Jupyter server: one kernel there, and the server's files through its Contents API. Its id is the id of
/// its first kernel; a reset starts a kernel with a new id, but the sandbox keeps its own. A sandbox that outlives this
/// object (created with a lease, or attached to) resets by restarting its kernel instead, so its id stays the kernel's.
/// </summary>
internal sealed class JupyterServerSandbox : KernelSandbox
{
    private readonly JupyterServerApi _api;
    private readonly ILogger _logger;
    private readonly bool _keepsKernel;

    public JupyterServerSandbox(ResettableKernel kernel, ContentsApiFiles files, JupyterServerApi api, bool keepsKernel, ILogger logger)
        : base(kernel.Client?.KernelId ?? throw new InvalidOperationException("The kernel has not been connected."), kernel, files)
    {
        _api = api;
        _keepsKernel = keepsKernel;
        _logger = logger;
    }

    /// <summary>Gets a value indicating whether disposing leaves the kernel running on the server, for a later attach.</summary>
    protected override bool KeepsKernel => _keepsKernel;

    /// <summary>Releases the REST client; the server and its files stay.</summary>
    protected override ValueTask DisposeBackendAsync()
    {
        _api.Dispose();
        if (_keepsKernel)
        {
            Log.JupyterSandboxDetached(_logger, Id);
        }
        else
        {
            Log.JupyterSandboxDisposed(_logger, Id);
        }

        return ValueTask.CompletedTask;
    }
}
