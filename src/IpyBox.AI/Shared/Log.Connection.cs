using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Log messages of the kernel connection's hardening: oversized messages, reconnection, timeout escalation.</summary>
internal static partial class Log
{
    [LoggerMessage(500, LogLevel.Warning, "Dropped a message of kernel {KernelId} of {Size} bytes: it exceeds ExecutionClientOptions.MaxMessageSize even with its long strings cut.")]
    public static partial void MessageTooLarge(ILogger logger, string kernelId, long size);

    [LoggerMessage(501, LogLevel.Information, "Connection to kernel {KernelId} opened again.")]
    public static partial void Reconnected(ILogger logger, string kernelId);

    [LoggerMessage(502, LogLevel.Warning, "Connection to kernel {KernelId} could not be opened again: {Reason}")]
    public static partial void ReconnectFailed(ILogger logger, string kernelId, string reason);

    [LoggerMessage(503, LogLevel.Warning, "Kernel {KernelId} is still busy after the interrupt; restarting it: {Reason}")]
    public static partial void RestartingUnresponsiveKernel(ILogger logger, string kernelId, string reason);

    [LoggerMessage(504, LogLevel.Error, "Kernel {KernelId} could not be restarted.")]
    public static partial void KernelRestartFailed(ILogger logger, string kernelId, Exception exception);

    [LoggerMessage(505, LogLevel.Information, "Kernel {KernelId} restarted on request.")]
    public static partial void KernelRestarted(ILogger logger, string kernelId);
}
