namespace IpyBox.AI;

/// <summary>
/// Something a running execution produced, in the order the kernel sent it: a <see cref="StreamOutputEvent"/> (stdout or
/// stderr text), a <see cref="DisplayDataEvent"/> (a plot, HTML, markdown, JSON), the <see cref="ExecuteResultEvent"/> (the
/// value of the last expression), a <see cref="ClearOutputEvent"/>, an <see cref="OutputDroppedEvent"/> (output over a limit), or the <see cref="ExecutionErrorEvent"/> of a Python exception.
/// </summary>
/// <remarks>Stream them with <see cref="Execution.StreamEventsAsync"/>; switch on the type to render each kind.</remarks>
public abstract record ExecutionEvent;
