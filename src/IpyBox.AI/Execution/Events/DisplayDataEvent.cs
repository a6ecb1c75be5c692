namespace IpyBox.AI;

/// <summary>An output the code displayed while it ran, e.g. a matplotlib figure, <c>display(df)</c> or <c>IPython.display.Markdown</c>.</summary>
/// <param name="Image">The image representation, or <see langword="null"/>.</param>
/// <param name="RichOutputs">The HTML, markdown, SVG, LaTeX and JSON representations.</param>
/// <param name="PlainText">The <c>text/plain</c> representation (for a figure, <c>&lt;Figure size ...&gt;</c>), or <see langword="null"/>.</param>
public sealed record DisplayDataEvent(ExecutionImage? Image, IReadOnlyList<RichOutput> RichOutputs, string? PlainText)
    : MimeOutputEvent(Image, RichOutputs, PlainText);
