using System.CommandLine;

namespace IpyBox.AI.Cli.Commands;

/// <summary>The container options shared by <c>run</c> and <c>mcp</c>: image, environment, binds and labels.</summary>
internal sealed class ContainerArguments
{
    public Option<string?> Image { get; } = new("--image")
    {
        Description = "The image to run. Default: the library's runtime image (built on first use).",
    };

    public Option<string[]> Environment { get; } = new("--env", "-e")
    {
        Description = "An environment variable for the container, as KEY=VALUE. Repeatable.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<FileInfo?> EnvironmentFile { get; } = new("--env-file")
    {
        Description = "A file of KEY=VALUE lines (blank lines and # comments ignored) with environment variables for the container.",
    };

    public Option<string[]> Binds { get; } = new("--bind", "-b")
    {
        Description = "A bind mount HOST_PATH:PATH_IN_APP; the container path is relative to /app. Repeatable.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string[]> Labels { get; } = new("--label")
    {
        Description = "An extra container label, as KEY=VALUE (e.g. to find the container later with 'ipybox cleanup --label'). Repeatable.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Image);
        command.Options.Add(Environment);
        command.Options.Add(EnvironmentFile);
        command.Options.Add(Binds);
        command.Options.Add(Labels);
    }

    /// <summary>Creates container options from the parsed command line.</summary>
    /// <exception cref="ArgumentException">A value is malformed.</exception>
    public ExecutionContainerOptions ToOptions(ParseResult parse)
    {
        var options = new ExecutionContainerOptions { Image = parse.GetValue(Image) };
        if (parse.GetValue(EnvironmentFile) is { } file)
        {
            foreach (var (key, value) in KeyValueParser.ParseFile(file.FullName))
            {
                options.Environment[key] = value;
            }
        }

        foreach (var (key, value) in (parse.GetValue(Environment) ?? []).Select(e => KeyValueParser.Parse(e, "--env")))
        {
            options.Environment[key] = value;
        }

        foreach (var (key, value) in (parse.GetValue(Labels) ?? []).Select(e => KeyValueParser.Parse(e, "--label")))
        {
            options.Labels[key] = value;
        }

        foreach (var bind in parse.GetValue(Binds) ?? [])
        {
            var separator = bind.LastIndexOf(':');
            if (separator <= 0 || separator == bind.Length - 1)
            {
                throw new ArgumentException($"--bind '{bind}' must be HOST_PATH:PATH_IN_APP, e.g. ./data:data.");
            }

            options.Binds[Path.GetFullPath(bind[..separator])] = bind[(separator + 1)..];
        }

        options.Validate();
        return options;
    }
}
