namespace IpyBox.AI;

/// <summary>
/// The kernel was restarted, so all its state (variables, imports, definitions) is lost; files in <c>/app</c> stay. Thrown by an
/// execution that timed out and was still running after the interrupt (code that ignores <c>SIGINT</c>): the client restarted the
/// kernel so the next execution runs (<see cref="ExecutionClientOptions.RestartUnresponsiveKernel"/>); the
/// <see cref="Exception.InnerException"/> is then the <see cref="TimeoutException"/>. Also thrown by executions that were running
/// when <see cref="ExecutionClient.RestartAsync"/> was called. The client stays usable.
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
    /// <param name="innerException">What led to the restart, e.g. the <see cref="TimeoutException"/>.</param>
    public KernelRestartedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets a value indicating whether the restart followed a timeout whose interrupt the code ignored.</summary>
    public bool AfterTimeout => InnerException is TimeoutException;
}
