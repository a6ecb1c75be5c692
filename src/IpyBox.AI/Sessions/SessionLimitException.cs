namespace IpyBox.AI;

/// <summary>A new sandbox was refused because <see cref="IpyBoxOptions.MaxSessions"/> sandboxes are live and <see cref="SessionLimitBehavior.Reject"/> is configured.</summary>
public sealed class SessionLimitException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="SessionLimitException"/> class.</summary>
    public SessionLimitException()
        : this("The maximum number of live sandboxes has been reached.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionLimitException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    public SessionLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionLimitException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public SessionLimitException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
