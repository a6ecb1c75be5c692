using IpyBox.AI.Cli.Terminal;

namespace IpyBox.AI.Cli.Commands;

/// <summary>One cell to run and where its output goes (<see cref="CellArguments"/>).</summary>
/// <param name="Code">The Python code.</param>
/// <param name="Timeout">How long it may run before the kernel is interrupted.</param>
/// <param name="OutputDirectory">Where displayed images are saved.</param>
/// <param name="NotebookPath">Where the cell is also written as a notebook, or <see langword="null"/>.</param>
/// <param name="Filter">Shows escape sequences instead of executing them; <see langword="null"/> for raw output.</param>
internal sealed record Cell(string Code, TimeSpan Timeout, string OutputDirectory, string? NotebookPath, TerminalTextFilter? Filter)
{
    /// <summary>Returns <paramref name="text"/> from the sandbox as it may be written to the terminal.</summary>
    public string Shown(string text) => Filter is null ? text : Filter.Filter(text) + Filter.Flush();
}
