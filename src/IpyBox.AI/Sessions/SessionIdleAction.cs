namespace IpyBox.AI;

/// <summary>What <see cref="SandboxSessionManager"/> does with a durable conversation's sandbox once it has been idle for <see cref="IpyBoxOptions.SessionIdleTimeout"/> (<see cref="DurableSessionOptions.IdleAction"/>).</summary>
public enum SessionIdleAction
{
    /// <summary>Pause it: the kernel and its variables are kept in memory, using no CPU; the conversation continues where it was.</summary>
    Pause,

    /// <summary>Stop it: memory is released; files in <c>/app</c> and installed packages are kept, variables are lost.</summary>
    Stop,

    /// <summary>Delete it, as a sandbox that is not durable is removed.</summary>
    Remove,
}
