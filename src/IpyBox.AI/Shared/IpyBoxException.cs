namespace IpyBox.AI;

/// <summary>
/// The base of every exception IpyBox.AI throws for a sandbox, engine, server or kernel problem, so callers can catch them
/// together. Timeouts are <see cref="TimeoutException"/> and argument errors the usual <see cref="ArgumentException"/>s.
/// </summary>
public class IpyBoxException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="IpyBoxException"/> class.</summary>
    public IpyBoxException()
        : this("An IpyBox sandbox operation failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IpyBoxException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    public IpyBoxException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IpyBoxException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public IpyBoxException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
