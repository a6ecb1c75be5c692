namespace IpyBox.AI;

/// <summary>
/// The sandbox can no longer serve: its kernel cannot be reached, no new kernel could be started, or what runs it (a
/// container, a server) has stopped. A <see cref="SandboxSession"/> replaces a sandbox that throws this.
/// </summary>
public sealed class SandboxUnavailableException : KernelUnavailableException
{
    /// <summary>Initializes a new instance of the <see cref="SandboxUnavailableException"/> class.</summary>
    public SandboxUnavailableException()
        : this("The sandbox is no longer reachable.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SandboxUnavailableException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    public SandboxUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SandboxUnavailableException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public SandboxUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
