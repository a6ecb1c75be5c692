namespace IpyBox.AI;

/// <summary>
/// An output with one or more representations of the same object (Jupyter's MIME bundle), decoded the way
/// <see cref="ExecutionResult"/> decodes them: the image, the other rich representations, and the plain text.
/// </summary>
/// <param name="Image">The image representation (PNG, JPEG or GIF, checked like <see cref="ExecutionResult.Images"/>), or <see langword="null"/>.</param>
/// <param name="RichOutputs">The HTML, markdown, SVG, LaTeX and JSON representations.</param>
/// <param name="PlainText">The <c>text/plain</c> representation, or <see langword="null"/>.</param>
public abstract record MimeOutputEvent(ExecutionImage? Image, IReadOnlyList<RichOutput> RichOutputs, string? PlainText) : ExecutionEvent;
