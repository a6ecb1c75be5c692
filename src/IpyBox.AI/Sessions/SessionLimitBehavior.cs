namespace IpyBox.AI;

/// <summary>What a <see cref="SandboxSessionManager"/> does when a new conversation needs a sandbox and <see cref="IpyBoxOptions.MaxSessions"/> are live.</summary>
public enum SessionLimitBehavior
{
    /// <summary>Removes the sandbox of the conversation that was used least recently, then creates the new one.</summary>
    EvictLeastRecentlyUsed,

    /// <summary>Refuses with a <see cref="SessionLimitException"/>; tools report it to the model as a readable error.</summary>
    Reject,
}
