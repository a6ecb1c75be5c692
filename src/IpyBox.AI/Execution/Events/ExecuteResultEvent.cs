namespace IpyBox.AI;

/// <summary>The value of the cell's last expression, as a notebook shows it in <c>Out[n]</c>.</summary>
/// <param name="Image">The image representation, or <see langword="null"/>.</param>
/// <param name="RichOutputs">The HTML, markdown, SVG, LaTeX and JSON representations (a DataFrame has HTML).</param>
/// <param name="PlainText">The <c>text/plain</c> representation (its <c>repr</c>), or <see langword="null"/>.</param>
/// <param name="ExecutionCount">The kernel's execution counter, when reported.</param>
public sealed record ExecuteResultEvent(ExecutionImage? Image, IReadOnlyList<RichOutput> RichOutputs, string? PlainText, int? ExecutionCount)
    : MimeOutputEvent(Image, RichOutputs, PlainText);
