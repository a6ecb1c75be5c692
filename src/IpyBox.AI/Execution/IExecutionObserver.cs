namespace IpyBox.AI;

/// <summary>
/// Follows an execution synchronously, under its lock: every event in order, then its end. Unlike
/// <see cref="Execution.StreamEventsAsync"/>, everything has been observed by the time the execution's result is available.
/// Implementations must be quick and must not call back into the execution.
/// </summary>
internal interface IExecutionObserver
{
    /// <summary>Takes the next event.</summary>
    void OnEvent(ExecutionEvent output);

    /// <summary>Takes the end of the execution: its execution count when known, and the error it ended with, if any.</summary>
    void OnCompleted(int? executionCount, Exception? error);
}
