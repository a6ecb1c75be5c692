namespace IpyBox.AI;

/// <summary>
/// Implemented by an <see cref="IJupyterMessageSender"/> whose kernel runs executions with a time limit: lets a message
/// handler stop the clock of the execution that sent a message while the host, not the kernel, is what it waits for
/// (e.g. the application deciding whether a tool call may run).
/// </summary>
internal interface IExecutionTimeoutPause
{
    /// <summary>Stops the time-limit clock of the running execution <paramref name="executionId"/> until the handle is disposed.</summary>
    /// <param name="executionId">The id of the execute request (a stdin message's parent id).</param>
    /// <returns>The pause, or <see langword="null"/> when no such execution runs.</returns>
    IDisposable? PauseTimeout(string? executionId);
}
