namespace IpyBox.AI;

/// <summary>A bridge request that cannot be served at all (not JSON, wrong shape); the kernel gets the message as a <c>ToolBridgeError</c>.</summary>
internal sealed class ToolBridgeRequestException(long? requestId, string message) : Exception(message)
{
    /// <summary>Gets the request's id when it could be read, so the kernel matches the answer.</summary>
    public long? RequestId { get; } = requestId;
}
