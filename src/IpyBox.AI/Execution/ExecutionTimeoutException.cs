namespace IpyBox.AI;

/// <summary>
/// An execution did not finish within its time limit. The kernel was interrupted and its state kept; or, when the code was
/// still running <see cref="ExecutionClientOptions.InterruptGracePeriod"/> after the interrupt (it ignored <c>SIGINT</c>),
/// the kernel was restarted so the next execution runs (<see cref="KernelRestarted"/>: variables, imports and definitions
/// are lost; files in <c>/app</c> stay). Either way it is a <see cref="TimeoutException"/>, so code that catches timeouts
/// catches both.
/// </summary>
public sealed class ExecutionTimeoutException : TimeoutException
{
    /// <summary>Initializes a new instance of the <see cref="ExecutionTimeoutException"/> class.</summary>
    public ExecutionTimeoutException()
        : this("The execution did not finish within its time limit.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionTimeoutException"/> class for a kernel that was interrupted.</summary>
    /// <param name="message">What happened and what to do.</param>
    public ExecutionTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionTimeoutException"/> class for a kernel that was interrupted.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public ExecutionTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionTimeoutException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="kernelRestarted">Whether the kernel was restarted because the code ignored the interrupt.</param>
    /// <param name="innerException">The underlying error: for a restart, the timeout whose interrupt was ignored.</param>
    public ExecutionTimeoutException(string message, bool kernelRestarted, Exception? innerException = null)
        : base(message, innerException)
    {
        KernelRestarted = kernelRestarted;
    }

    /// <summary>Gets a value indicating whether the kernel was restarted because the code ignored the interrupt, so its state is lost.</summary>
    public bool KernelRestarted { get; }
}
