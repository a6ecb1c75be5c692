using System.CommandLine;

namespace IpyBox.AI.Cli.Commands;

/// <summary>The container options shared by <c>run</c> and <c>mcp</c>: image, environment, binds, labels, limits and runtime.</summary>
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

    public Option<string?> Memory { get; } = new("--memory")
    {
        Description = "The memory limit (swap is limited to the same), e.g. 512m or 4g; 'none' for no limit. Default: 2g.",
    };

    public Option<double?> Cpus { get; } = new("--cpus")
    {
        Description = "The CPU limit in cores, e.g. 1.5. Default: 2.",
    };

    public Option<long?> PidsLimit { get; } = new("--pids-limit")
    {
        Description = "The most processes and threads the sandbox may run. Default: 512.",
    };

    public Option<string?> AppSize { get; } = new("--app-size")
    {
        Description = "A size limit for /app, e.g. 1g; /app is then held in memory and its files are gone when the container stops. Default: no limit.",
    };

    public Option<string?> Runtime { get; } = new("--runtime")
    {
        Description = "The OCI runtime the engine runs the sandbox with, e.g. runsc (gVisor) or kata-runtime. Default: the engine's default.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Image);
        command.Options.Add(Environment);
        command.Options.Add(EnvironmentFile);
        command.Options.Add(Binds);
        command.Options.Add(Labels);
        command.Options.Add(Memory);
        command.Options.Add(Cpus);
        command.Options.Add(PidsLimit);
        command.Options.Add(AppSize);
        command.Options.Add(Runtime);
    }

    /// <summary>Creates container options from the parsed command line.</summary>
    /// <exception cref="ArgumentException">A value is malformed.</exception>
    public ExecutionContainerOptions ToOptions(ParseResult parse)
    {
        var options = new ExecutionContainerOptions { Image = parse.GetValue(Image), Runtime = parse.GetValue(Runtime) };
        if (parse.GetValue(Memory) is { } memory)
        {
            options.MemoryLimitBytes = memory.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : ByteSize.Parse(memory, "--memory");
        }

        if (parse.GetValue(AppSize) is { } appSize)
        {
            options.AppSizeLimitBytes = ByteSize.Parse(appSize, "--app-size");
        }

        options.CpuLimit = parse.GetValue(Cpus) ?? options.CpuLimit;
        options.PidsLimit = parse.GetValue(PidsLimit) ?? options.PidsLimit;
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
