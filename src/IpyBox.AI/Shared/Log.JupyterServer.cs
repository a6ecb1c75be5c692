using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Log messages of the Jupyter-server backend (event ids 300-399).</summary>
internal static partial class Log
{
    [LoggerMessage(300, LogLevel.Information, "Sandbox {KernelId} created on the Jupyter server at {ServerUri}.")]
    public static partial void JupyterSandboxCreated(ILogger logger, string kernelId, Uri serverUri);

    [LoggerMessage(301, LogLevel.Debug, "Sandbox {KernelId} on the Jupyter server disposed; its files stay on the server.")]
    public static partial void JupyterSandboxDisposed(ILogger logger, string kernelId);

    [LoggerMessage(302, LogLevel.Warning, "Skipped /app/{RelativePath} while downloading: {Reason}.")]
    public static partial void SkippedContentsEntry(ILogger logger, string relativePath, string reason);

    [LoggerMessage(303, LogLevel.Information, "Attached to sandbox {KernelId} on the Jupyter server at {ServerUri}.")]
    public static partial void JupyterSandboxAttached(ILogger logger, string kernelId, Uri serverUri);

    [LoggerMessage(304, LogLevel.Debug, "Detached from sandbox {KernelId} on the Jupyter server; its kernel keeps running there.")]
    public static partial void JupyterSandboxDetached(ILogger logger, string kernelId);

    [LoggerMessage(305, LogLevel.Information, "Shut down the kernel of sandbox {KernelId} on the Jupyter server at {ServerUri}.")]
    public static partial void JupyterSandboxDeleted(ILogger logger, string kernelId, Uri serverUri);
}
