namespace IpyBox.AI;

/// <summary>One recorded cell: the code that ran and what it produced, as a <see cref="NotebookRecorder"/> keeps it.</summary>
public sealed class NotebookCell
{
    internal NotebookCell(string code, IReadOnlyList<ExecutionEvent> outputs, int? executionCount, bool isComplete, bool outputsTruncated)
    {
        Code = code;
        Outputs = outputs;
        ExecutionCount = executionCount;
        IsComplete = isComplete;
        OutputsTruncated = outputsTruncated;
    }

    /// <summary>Gets the code of the cell.</summary>
    public string Code { get; }

    /// <summary>Gets the outputs in the order they arrived (a cleared output is gone, as in a notebook).</summary>
    public IReadOnlyList<ExecutionEvent> Outputs { get; }

    /// <summary>Gets the kernel's execution counter for the cell, when it reported one.</summary>
    public int? ExecutionCount { get; }

    /// <summary>Gets a value indicating whether the execution had ended when this snapshot was taken.</summary>
    public bool IsComplete { get; }

    /// <summary>Gets a value indicating whether outputs were left out to respect <see cref="NotebookRecordingOptions.MaxRecordedBytes"/>.</summary>
    public bool OutputsTruncated { get; }
}
