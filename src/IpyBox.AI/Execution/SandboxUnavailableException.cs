namespace IpyBox.AI;

/// <summary>The kernel or its container can no longer be reached: the connection closed or the container stopped.</summary>
public sealed class SandboxUnavailableException : IpyBoxException
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
