namespace IpyBox.AI;

/// <summary>What an execution produced.</summary>
public sealed class ExecutionResult
{
    internal ExecutionResult(string? text, string stdout, string stderr, IReadOnlyList<ExecutionImage> images, IReadOnlyList<RichOutput> richOutputs, int? executionCount)
    {
        Text = text;
        Stdout = stdout;
        Stderr = stderr;
        Images = images;
        RichOutputs = richOutputs;
        ExecutionCount = executionCount;
    }

    /// <summary>Gets stdout, stderr and <c>text/plain</c> results in the order they arrived, trimmed; <see langword="null"/> when there was none.</summary>
    public string? Text { get; }

    /// <summary>Gets everything written to stdout.</summary>
    public string Stdout { get; }

    /// <summary>Gets everything written to stderr.</summary>
    public string Stderr { get; }

    /// <summary>Gets the images (PNG, JPEG, GIF) in output order.</summary>
    public IReadOnlyList<ExecutionImage> Images { get; }

    /// <summary>Gets the other rich outputs (HTML, markdown, SVG, LaTeX, JSON) in output order.</summary>
    public IReadOnlyList<RichOutput> RichOutputs { get; }

    /// <summary>Gets the kernel's execution counter for this execution, when reported.</summary>
    public int? ExecutionCount { get; }
}
