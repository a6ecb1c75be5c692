namespace IpyBox.AI;

/// <summary>
/// The kernel was restarted on request, so all its state (variables, imports, definitions) is lost; files in <c>/app</c> stay.
/// Thrown by executions that were running when <see cref="ExecutionClient.RestartAsync"/> was called. The client stays usable.
/// (A restart after a timeout whose interrupt was ignored is an <see cref="ExecutionTimeoutException"/> with
/// <see cref="ExecutionTimeoutException.KernelRestarted"/> set.)
/// </summary>
public sealed class KernelRestartedException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="KernelRestartedException"/> class.</summary>
    public KernelRestartedException()
        : this("The kernel was restarted; its state is lost.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="KernelRestartedException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    public KernelRestartedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="KernelRestartedException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">What led to the restart.</param>
    public KernelRestartedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
