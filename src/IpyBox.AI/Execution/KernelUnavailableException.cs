namespace IpyBox.AI;

/// <summary>
/// The kernel can no longer be reached: its connection was lost and could not be opened again, it no longer exists on its
/// server, or it could not be restarted. Its state is lost; connect a new client. A sandbox reports the same through a
/// derived type of its own layer, so catching this type catches both.
/// </summary>
public class KernelUnavailableException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="KernelUnavailableException"/> class.</summary>
    public KernelUnavailableException()
        : this("The kernel is no longer reachable.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="KernelUnavailableException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    public KernelUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="KernelUnavailableException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public KernelUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
