using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Every log message of the library, in one place.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Building image {Tag} from the embedded context.")]
    public static partial void BuildingImage(ILogger logger, string tag);

    [LoggerMessage(2, LogLevel.Information, "Pulling image {Tag}.")]
    public static partial void PullingImage(ILogger logger, string tag);

    [LoggerMessage(3, LogLevel.Information, "Started container {ContainerId} from {Image}; executor on {Host}:{Port}.")]
    public static partial void ContainerStarted(ILogger logger, string containerId, string image, string host, int port);

    [LoggerMessage(4, LogLevel.Information, "Removed container {ContainerId}.")]
    public static partial void ContainerRemoved(ILogger logger, string containerId);

    [LoggerMessage(5, LogLevel.Warning, "Could not remove container {ContainerId}; dispose it again once the engine answers, or run 'ipybox cleanup'.")]
    public static partial void ContainerRemoveFailed(ILogger logger, string containerId, Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "Kernel server not ready yet (attempt {Attempt}): {Reason}")]
    public static partial void ServerNotReady(ILogger logger, int attempt, string reason);

    [LoggerMessage(7, LogLevel.Information, "Kernel {KernelId} created.")]
    public static partial void KernelCreated(ILogger logger, string kernelId);

    [LoggerMessage(8, LogLevel.Debug, "Kernel {KernelId} deleted.")]
    public static partial void KernelDeleted(ILogger logger, string kernelId);

    [LoggerMessage(9, LogLevel.Warning, "Could not delete kernel {KernelId}.")]
    public static partial void KernelDeleteFailed(ILogger logger, string kernelId, Exception exception);

    [LoggerMessage(10, LogLevel.Trace, "Executing {MessageId}: {Code}")]
    public static partial void Executing(ILogger logger, string messageId, string code);

    [LoggerMessage(11, LogLevel.Information, "Interrupting kernel {KernelId}: {Reason}")]
    public static partial void Interrupting(ILogger logger, string kernelId, string reason);

    [LoggerMessage(12, LogLevel.Warning, "Connection to kernel {KernelId} lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string kernelId, string reason);

    [LoggerMessage(13, LogLevel.Debug, "Ignored a message that could not be parsed.")]
    public static partial void UnparsableMessage(ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Kernel {KernelId} died; the server reports it as {State}.")]
    public static partial void KernelDied(ILogger logger, string kernelId, string state);

    [LoggerMessage(14, LogLevel.Debug, "{Line}")]
    public static partial void ImageProgress(ILogger logger, string line);

    [LoggerMessage(16, LogLevel.Warning, "A kernel message handler failed on a {MessageType} message.")]
    public static partial void MessageHandlerFailed(ILogger logger, string messageType, Exception exception);
}
