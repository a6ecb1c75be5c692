using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Log messages of the sessions and AI tools (event ids 200-299).</summary>
internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Information, "Created sandbox for conversation {ConversationKey}: container {ContainerId}.")]
    public static partial void SessionCreated(ILogger logger, string conversationKey, string containerId);

    [LoggerMessage(201, LogLevel.Information, "Removing the sandbox of conversation {ConversationKey}: {Reason}.")]
    public static partial void SessionEnded(ILogger logger, string conversationKey, string reason);

    [LoggerMessage(202, LogLevel.Information, "Evicting the least recently used sandbox (conversation {ConversationKey}) to stay within {MaxSessions} sandboxes.")]
    public static partial void SessionEvicted(ILogger logger, string conversationKey, int maxSessions);

    [LoggerMessage(203, LogLevel.Warning, "Could not create a sandbox for conversation {ConversationKey}.")]
    public static partial void SessionCreationFailed(ILogger logger, string conversationKey, Exception exception);

    [LoggerMessage(204, LogLevel.Warning, "Removing idle sandboxes failed.")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(205, LogLevel.Information, "Kernel of conversation {ConversationKey} was reset.")]
    public static partial void KernelReset(ILogger logger, string conversationKey);

    [LoggerMessage(210, LogLevel.Debug, "Tool {Tool} called in conversation {ConversationKey}.")]
    public static partial void ToolInvoked(ILogger logger, string tool, string conversationKey);

    [LoggerMessage(211, LogLevel.Warning, "Tool {Tool} failed in conversation {ConversationKey}; the model receives the error as the tool result.")]
    public static partial void ToolFailed(ILogger logger, string tool, string conversationKey, Exception exception);

    [LoggerMessage(212, LogLevel.Warning, "Refused host path {HostPath}: outside the allowed directories.")]
    public static partial void HostPathRefused(ILogger logger, string hostPath);

    [LoggerMessage(220, LogLevel.Debug, "Moved {Count} image(s) out of tool results into a user message.")]
    public static partial void ImagesMoved(ILogger logger, int count);
}
