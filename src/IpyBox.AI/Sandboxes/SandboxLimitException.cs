namespace IpyBox.AI;

/// <summary>
/// A sandbox was refused because a provider's cap on live sandboxes is reached, e.g. <see cref="WarmPoolOptions.MaxTotal"/>
/// of a <see cref="PoolingSandboxProvider"/>. The message says which cap and how to make room.
/// </summary>
public sealed class SandboxLimitException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="SandboxLimitException"/> class.</summary>
    public SandboxLimitException()
        : this("The maximum number of live sandboxes has been reached.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SandboxLimitException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    public SandboxLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SandboxLimitException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public SandboxLimitException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
