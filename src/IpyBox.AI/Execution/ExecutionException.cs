namespace IpyBox.AI;

/// <summary>The executed code raised a Python exception.</summary>
public sealed class ExecutionException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="ExecutionException"/> class.</summary>
    public ExecutionException()
        : this("Python execution failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionException"/> class.</summary>
    /// <param name="message">The error.</param>
    public ExecutionException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionException"/> class.</summary>
    /// <param name="message">The error.</param>
    /// <param name="innerException">The underlying error.</param>
    public ExecutionException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorName = string.Empty;
        ErrorValue = message;
        Trace = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionException"/> class for a Python exception.</summary>
    /// <param name="errorName">The Python exception type, e.g. <c>NameError</c>.</param>
    /// <param name="errorValue">The exception's value (its message).</param>
    /// <param name="trace">The traceback, without ANSI colour codes.</param>
    /// <param name="result">What the execution produced before the error.</param>
    public ExecutionException(string errorName, string errorValue, string trace, ExecutionResult? result)
        : base($"{errorName}: {errorValue}")
    {
        ErrorName = errorName;
        ErrorValue = errorValue;
        Trace = trace;
        Result = result;
    }

    /// <summary>Gets the Python exception type, e.g. <c>NameError</c>.</summary>
    public string ErrorName { get; }

    /// <summary>Gets the Python exception's value.</summary>
    public string ErrorValue { get; }

    /// <summary>Gets the traceback, without ANSI colour codes.</summary>
    public string Trace { get; }

    /// <summary>Gets what the execution produced before the error (text, images), when known.</summary>
    public ExecutionResult? Result { get; }
}
