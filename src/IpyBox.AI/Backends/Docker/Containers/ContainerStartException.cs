namespace IpyBox.AI;

/// <summary>A container did not start or stopped while it was expected to run.</summary>
public sealed class ContainerStartException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="ContainerStartException"/> class.</summary>
    public ContainerStartException()
        : this("The container did not start.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContainerStartException"/> class.</summary>
    /// <param name="message">The error.</param>
    public ContainerStartException(string message)
        : this(message, logs: string.Empty)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContainerStartException"/> class.</summary>
    /// <param name="message">The error.</param>
    /// <param name="innerException">The underlying error.</param>
    public ContainerStartException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Logs = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ContainerStartException"/> class.</summary>
    /// <param name="message">The error.</param>
    /// <param name="logs">The last lines the container wrote.</param>
    public ContainerStartException(string message, string logs)
        : base(string.IsNullOrWhiteSpace(logs) ? message : $"{message}{System.Environment.NewLine}Container logs:{System.Environment.NewLine}{logs}")
    {
        Logs = logs;
    }

    /// <summary>Gets the last lines the container wrote.</summary>
    public string Logs { get; }
}
