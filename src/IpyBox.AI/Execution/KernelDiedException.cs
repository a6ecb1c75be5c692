namespace IpyBox.AI;

/// <summary>
/// The IPython kernel process died during an execution (it ran out of memory, crashed, or called <c>os._exit</c>).
/// The server starts a fresh kernel under the same id, so the client stays usable, but all kernel state is lost.
/// </summary>
public sealed class KernelDiedException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="KernelDiedException"/> class.</summary>
    public KernelDiedException()
        : this("The kernel died during the execution; the server restarted it and its state is lost.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="KernelDiedException"/> class.</summary>
    /// <param name="message">What happened.</param>
    public KernelDiedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="KernelDiedException"/> class.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The underlying error.</param>
    public KernelDiedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
