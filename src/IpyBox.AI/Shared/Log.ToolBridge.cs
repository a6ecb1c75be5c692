using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Log messages of the tool bridge (event ids 500-519).</summary>
internal static partial class Log
{
    [LoggerMessage(500, LogLevel.Debug, "Tool {Tool} called from sandbox {SandboxId}.")]
    public static partial void ToolCallStarted(ILogger logger, string tool, string sandboxId);

    [LoggerMessage(501, LogLevel.Information, "A call of tool {Tool} from sandbox {SandboxId} was rejected.")]
    public static partial void ToolCallRejected(ILogger logger, string tool, string sandboxId);

    [LoggerMessage(502, LogLevel.Warning, "Tool {Tool} failed in a call from sandbox {SandboxId}; the cell gets the message.")]
    public static partial void ToolCallFailed(ILogger logger, string tool, string sandboxId, Exception exception);

    [LoggerMessage(503, LogLevel.Warning, "The approval handler failed for tool {Tool} called from sandbox {SandboxId}; the call is rejected.")]
    public static partial void ToolApprovalFailed(ILogger logger, string tool, string sandboxId, Exception exception);

    [LoggerMessage(504, LogLevel.Warning, "Serving a tool request from sandbox {SandboxId} failed.")]
    public static partial void ToolBridgeFailed(ILogger logger, string sandboxId, Exception exception);

    [LoggerMessage(505, LogLevel.Warning, "Answering a tool request of sandbox {SandboxId} failed.")]
    public static partial void ToolBridgeReplyFailed(ILogger logger, string sandboxId, Exception exception);
}
