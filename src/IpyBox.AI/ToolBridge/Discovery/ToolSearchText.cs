using System.Globalization;
using System.Text;

namespace IpyBox.AI;

/// <summary>
/// The texts in which search results reach a model or sandbox code. A description is untrusted, so a result shows it only
/// as a one-line summary: every line break, control and format character becomes a space, which leaves nothing that could
/// end the comment it is shown in and start a line of code. The full docstring is read with <c>describe_tool</c>, where it is
/// the escaped string literal of the generated package.
/// </summary>
internal static class ToolSearchText
{
    /// <summary>The longest summary, in characters.</summary>
    public const int MaxSummaryLength = 160;

    /// <summary>The most results one search returns.</summary>
    public const int MaxLimit = 50;

    /// <summary>Gets the first sentence or line of <paramref name="description"/> on one line, at most <see cref="MaxSummaryLength"/> characters.</summary>
    public static string Summary(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return string.Empty;
        }

        var text = new StringBuilder(Math.Min(description.Length, MaxSummaryLength + 1));
        var space = false;
        foreach (var c in description.Trim())
        {
            var blank = char.IsWhiteSpace(c) || char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;
            if (blank)
            {
                space = text.Length > 0;
                continue;
            }

            if (space)
            {
                text.Append(' ');
                space = false;
            }

            text.Append(c);
            if (text.Length > MaxSummaryLength)
            {
                return text.ToString(0, MaxSummaryLength - 1) + "…";
            }
        }

        return text.ToString();
    }

    /// <summary>Formats hits for a model: one line per tool (the qualified call signature) and its summary as a comment.</summary>
    public static string Format(IReadOnlyList<ToolSearchHit> hits, int total)
    {
        if (total == 0)
        {
            return "No tools or skills are registered in this sandbox.";
        }

        if (hits.Count == 0)
        {
            return $"No tool matches the query among {total}. Try other words: a tool's name, what it does, or its parameters.";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{hits.Count} of {total} tools match, best first. Call them from Python with keyword arguments; describe_tool gives one's full docstring.\n");
        foreach (var hit in hits)
        {
            var module = hit.Document.QualifiedName[..hit.Document.QualifiedName.LastIndexOf('.')];
            text.Append('\n').Append(module).Append('.').Append(hit.Document.Signature);
            var summary = Summary(hit.Document.Description);
            if (summary.Length > 0)
            {
                text.Append("\n    # ").Append(summary);
            }
        }

        return text.ToString();
    }

    /// <summary>Formats a document for <c>describe_tool</c>: the import and the generated definition (signature and docstring literal).</summary>
    public static string Describe(ToolSearchDocument document)
    {
        var dot = document.QualifiedName.LastIndexOf('.');
        return $"from {document.QualifiedName[..dot]} import {document.QualifiedName[(dot + 1)..]}\n\n{document.Definition}";
    }
}
