namespace IpyBox.AI;

/// <summary>No Docker engine answered at the configured endpoint.</summary>
public sealed class DockerUnavailableException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="DockerUnavailableException"/> class.</summary>
    public DockerUnavailableException()
        : this("No Docker engine answered.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DockerUnavailableException"/> class.</summary>
    /// <param name="message">What was tried and how to fix it.</param>
    public DockerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DockerUnavailableException"/> class.</summary>
    /// <param name="message">What was tried and how to fix it.</param>
    /// <param name="innerException">The connection error.</param>
    public DockerUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
