namespace IpyBox.AI;

/// <summary>
/// A file transfer from a sandbox went past one of its time limits: no byte arrived for too long, or the whole transfer
/// took too long. The sandbox is hostile ground, so a file swapped for a FIFO, a device or a stream that never ends, or a
/// server inside the sandbox that answers slowly, ends here instead of holding the caller. Nothing of the transfer is
/// left on the host. The message names the path, the limit and the option that raises it.
/// </summary>
public sealed class FileTransferTimeoutException : TimeoutException
{
    /// <summary>Initializes a new instance of the <see cref="FileTransferTimeoutException"/> class.</summary>
    public FileTransferTimeoutException()
        : this("The file transfer from the sandbox did not finish within its time limit.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FileTransferTimeoutException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    public FileTransferTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FileTransferTimeoutException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public FileTransferTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FileTransferTimeoutException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="path">The path in the sandbox that was being transferred.</param>
    /// <param name="limit">The time limit that was reached.</param>
    /// <param name="innerException">The underlying error.</param>
    public FileTransferTimeoutException(string message, string path, TimeSpan limit, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
        Limit = limit;
    }

    /// <summary>Gets the path in the sandbox that was being transferred, or <see langword="null"/> when not known.</summary>
    public string? Path { get; }

    /// <summary>Gets the time limit that was reached, or <see langword="null"/> when not known.</summary>
    public TimeSpan? Limit { get; }
}
