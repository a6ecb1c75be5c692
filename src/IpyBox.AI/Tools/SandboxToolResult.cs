using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>
/// What a tool action of <see cref="SandboxTools"/> produced, in a form every tool surface can map: text as
/// <see cref="TextContent"/>, images as <see cref="DataContent"/>, and whether it is an error the model should read as one.
/// </summary>
public sealed class SandboxToolResult
{
    /// <summary>Initializes a new instance of the <see cref="SandboxToolResult"/> class.</summary>
    /// <param name="contents">The contents: text first, then any images.</param>
    /// <param name="isError">Whether the action failed; the contents then say why and what to do.</param>
    /// <exception cref="ArgumentNullException"><paramref name="contents"/> is <see langword="null"/>.</exception>
    public SandboxToolResult(IList<AIContent> contents, bool isError)
    {
        Contents = Throw.IfNull(contents);
        IsError = isError;
    }

    /// <summary>Gets the contents: the text (already fitted to <see cref="IpyBoxOptions.MaxOutputCharacters"/>) followed by any images.</summary>
    public IList<AIContent> Contents { get; }

    /// <summary>Gets a value indicating whether the action failed (a Python exception, a timeout, a refused path, a lost sandbox...).</summary>
    public bool IsError { get; }

    /// <summary>
    /// Gets the aggregated result of the cell the action ran, for surfaces that return structured results: set by
    /// <see cref="SandboxTools.ExecuteAsync"/> and <see cref="SandboxTools.ExecuteWithOutputAsync"/> when the cell ran to its end
    /// or raised a Python exception (then the output before it); <see langword="null"/> otherwise.
    /// </summary>
    public ExecutionResult? CellResult { get; init; }

    /// <summary>Gets the Python exception the cell raised (name, value, traceback); <see langword="null"/> when it raised none or no cell ran.</summary>
    public ExecutionException? CellError { get; init; }

    /// <summary>Gets the text of the contents, joined by line breaks.</summary>
    public string Text => string.Join('\n', Contents.OfType<TextContent>().Select(t => t.Text));

    internal static SandboxToolResult Success(string text) => new([new TextContent(text)], isError: false);

    internal static SandboxToolResult Error(string text) => new([new TextContent(text)], isError: true);
}
