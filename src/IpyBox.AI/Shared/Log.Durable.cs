using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Log messages of durable sandboxes: attach, detach, leases, pause, stop, resume and snapshots (event ids 600-699).</summary>
internal static partial class Log
{
    [LoggerMessage(600, LogLevel.Information, "Detached from container {ContainerId}; it stays until its lease expires or it is deleted.")]
    public static partial void ContainerDetached(ILogger logger, string containerId);

    [LoggerMessage(601, LogLevel.Information, "Attached to container {ContainerId} ({State}).")]
    public static partial void ContainerAttached(ILogger logger, string containerId, string state);

    [LoggerMessage(602, LogLevel.Warning, "Could not renew the lease of container {ContainerId}; trying again later.")]
    public static partial void LeaseRenewFailed(ILogger logger, string containerId, Exception exception);

    [LoggerMessage(603, LogLevel.Information, "Removed container {ContainerId}, whose lease expired at {Expired}.")]
    public static partial void ExpiredSandboxRemoved(ILogger logger, string containerId, DateTimeOffset expired);

    [LoggerMessage(604, LogLevel.Information, "Sandbox {SandboxId} is {State} now.")]
    public static partial void SandboxStateChanged(ILogger logger, string sandboxId, string state);

    [LoggerMessage(605, LogLevel.Information, "Saved snapshot {Snapshot} of sandbox {SandboxId} as image {Image}.")]
    public static partial void SnapshotCreated(ILogger logger, string snapshot, string sandboxId, string image);

    [LoggerMessage(606, LogLevel.Information, "Conversation {ConversationKey} got its sandbox {SandboxId} back ({State}).")]
    public static partial void SessionReattached(ILogger logger, string conversationKey, string sandboxId, string state);

    [LoggerMessage(607, LogLevel.Warning, "Conversation {ConversationKey} could not get its sandbox {SandboxId} back; it gets a new one.")]
    public static partial void SessionReattachFailed(ILogger logger, string conversationKey, string sandboxId, Exception exception);

    [LoggerMessage(608, LogLevel.Warning, "Could not pause, stop or delete sandbox {SandboxId} of conversation {ConversationKey}; its lease ends it.")]
    public static partial void SessionReleaseFailed(ILogger logger, string conversationKey, string sandboxId, Exception exception);
}
