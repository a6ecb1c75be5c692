namespace IpyBox.AI;

/// <summary>A non-image rich output of an execution: HTML, markdown, SVG, LaTeX or JSON.</summary>
/// <param name="MediaType">The media type, e.g. <c>text/html</c>, <c>text/markdown</c>, <c>image/svg+xml</c> or <c>application/json</c>.</param>
/// <param name="Content">The content as text (JSON is serialised).</param>
public sealed record RichOutput(string MediaType, string Content);
