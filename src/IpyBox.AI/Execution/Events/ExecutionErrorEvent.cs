namespace IpyBox.AI;

/// <summary>The Python exception that ended the cell; it is the last event of the execution.</summary>
/// <param name="ErrorName">The exception's type name, e.g. <c>ValueError</c>.</param>
/// <param name="ErrorValue">The exception's message.</param>
/// <param name="Trace">The traceback, ANSI colour codes removed; empty when the kernel sent none.</param>
public sealed record ExecutionErrorEvent(string ErrorName, string ErrorValue, string Trace) : ExecutionEvent;
