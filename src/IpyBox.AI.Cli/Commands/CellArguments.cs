using System.CommandLine;
using IpyBox.AI.Cli.Terminal;

namespace IpyBox.AI.Cli.Commands;

/// <summary>The options of <c>run</c> and <c>exec</c> that say which code to run and where its output goes.</summary>
internal sealed class CellArguments
{
    public Argument<string?> Code { get; } = new("code")
    {
        Description = "The Python code to run; '-' or nothing reads it from stdin (or --file).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public Option<FileInfo?> File { get; } = new("--file", "-f")
    {
        Description = "Read the Python code from this file instead of the argument or stdin.",
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds the code may run before the kernel is interrupted (exit code 124).",
        DefaultValueFactory = _ => 120,
    };

    public Option<DirectoryInfo?> OutputDirectory { get; } = new("--output-dir", "-o")
    {
        Description = "Where images the code displays are saved. Default: the current directory.",
    };

    public Option<FileInfo?> Notebook { get; } = new("--notebook")
    {
        Description = "Also write the cell and its outputs as a Jupyter notebook (.ipynb) to this file, whether the code succeeds or not.",
    };

    public Option<bool> Raw { get; } = new("--raw")
    {
        Description = "Write the sandbox's output byte for byte, escape sequences included (for piping). By default control and escape sequences are shown, not executed; colours are kept.",
    };

    /// <summary>Adds the code argument first, then the options.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(Code);
        command.Options.Add(File);
        command.Options.Add(Timeout);
        command.Options.Add(OutputDirectory);
        command.Options.Add(Notebook);
        command.Options.Add(Raw);
    }

    /// <summary>Reads the code (argument, file or stdin) and the output settings from the parsed command line.</summary>
    /// <exception cref="ArgumentException">An option is invalid, or both code and --file were given.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public async Task<Cell> ReadAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var seconds = parse.GetValue(Timeout);
        if (seconds <= 0 || !double.IsFinite(seconds))
        {
            throw new ArgumentException("--timeout must be a positive number of seconds.");
        }

        var text = parse.GetValue(Code);
        string source;
        if (parse.GetValue(File) is { } file)
        {
            if (text is not null && text != "-")
            {
                throw new ArgumentException("give the code either as an argument or with --file, not both.");
            }

            source = await System.IO.File.ReadAllTextAsync(file.FullName, cancellationToken);
        }
        else
        {
            source = text is not null && text != "-" ? text : await Console.In.ReadToEndAsync(cancellationToken);
        }

        return new Cell(
            source,
            TimeSpan.FromSeconds(seconds),
            parse.GetValue(OutputDirectory)?.FullName ?? Directory.GetCurrentDirectory(),
            parse.GetValue(Notebook)?.FullName,
            parse.GetValue(Raw) ? null : new TerminalTextFilter());
    }
}
