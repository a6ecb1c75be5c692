namespace IpyBox.AI;

/// <summary>What an execution produced.</summary>
public sealed class ExecutionResult
{
    /// <summary>
    /// Initializes a new instance of the <see cref="ExecutionResult"/> class. The backends create results from kernel
    /// output; this constructor is for custom sandboxes and test doubles, which hand results to <see cref="Execution.FromResult"/>.
    /// </summary>
    /// <param name="text">Stdout, stderr and <c>text/plain</c> results in output order, trimmed; <see langword="null"/> for none.</param>
    /// <param name="stdout">Everything written to stdout.</param>
    /// <param name="stderr">Everything written to stderr.</param>
    /// <param name="images">The images in output order; <see langword="null"/> for none.</param>
    /// <param name="richOutputs">The other rich outputs in output order; <see langword="null"/> for none.</param>
    /// <param name="executionCount">The kernel's execution counter, when known.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stdout"/> or <paramref name="stderr"/> is <see langword="null"/>.</exception>
    public ExecutionResult(
        string? text,
        string stdout = "",
        string stderr = "",
        IReadOnlyList<ExecutionImage>? images = null,
        IReadOnlyList<RichOutput>? richOutputs = null,
        int? executionCount = null)
    {
        Text = text;
        Stdout = Throw.IfNull(stdout);
        Stderr = Throw.IfNull(stderr);
        Images = images ?? [];
        RichOutputs = richOutputs ?? [];
        ExecutionCount = executionCount;
    }

    /// <summary>Gets stdout, stderr and <c>text/plain</c> results in the order they arrived, with a marker where output over a limit was dropped (see <see cref="OutputDroppedEvent"/>), trimmed; <see langword="null"/> when there was none.</summary>
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

    /// <summary>
    /// Gets what the sandbox has to tell the caller about its state beyond the cell's output, or <see langword="null"/>: set on
    /// the first result after a stopped sandbox was resumed, saying that variables were lost and files kept.
    /// </summary>
    public string? Notice { get; init; }
}
