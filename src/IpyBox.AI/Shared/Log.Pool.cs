using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Log messages of the warm pool (event ids 300-399).</summary>
internal static partial class Log
{
    [LoggerMessage(300, LogLevel.Information, "Warm pool {PoolId} handed out sandbox {SandboxId} for conversation {ConversationKey}.")]
    public static partial void PoolHandedOut(ILogger logger, string poolId, string sandboxId, string conversationKey);

    [LoggerMessage(301, LogLevel.Information, "Warm pool {PoolId} passes the request of conversation {ConversationKey} to its inner provider: {Reason}.")]
    public static partial void PoolColdStart(ILogger logger, string poolId, string conversationKey, string reason);

    [LoggerMessage(302, LogLevel.Debug, "Warm pool {PoolId} has a new ready sandbox {SandboxId}.")]
    public static partial void PoolRefilled(ILogger logger, string poolId, string sandboxId);

    [LoggerMessage(303, LogLevel.Warning, "Warm pool {PoolId} could not start a sandbox; it tries again in {DelaySeconds} s.")]
    public static partial void PoolRefillFailed(ILogger logger, string poolId, double delaySeconds, Exception exception);

    [LoggerMessage(304, LogLevel.Warning, "Warm pool {PoolId} removes ready sandbox {SandboxId} instead of handing it out: {Reason}")]
    public static partial void PoolDiscarded(ILogger logger, string poolId, string sandboxId, string reason);

    [LoggerMessage(305, LogLevel.Information, "Warm pool {PoolId} removes ready sandbox {SandboxId} to make room for a request it cannot serve.")]
    public static partial void PoolMadeRoom(ILogger logger, string poolId, string sandboxId);

    [LoggerMessage(306, LogLevel.Warning, "Warm pool {PoolId} could not remove sandbox {SandboxId}.")]
    public static partial void PoolRemoveFailed(ILogger logger, string poolId, string sandboxId, Exception exception);

    [LoggerMessage(307, LogLevel.Information, "Warm pool {PoolId} drained: {Count} ready sandboxes removed.")]
    public static partial void PoolDrained(ILogger logger, string poolId, int count);
}
