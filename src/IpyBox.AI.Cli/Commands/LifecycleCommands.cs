using System.CommandLine;

namespace IpyBox.AI.Cli.Commands;

/// <summary><c>ipybox pause</c>, <c>stop</c>, <c>resume</c> and <c>rm</c>: change the state of sandboxes by id, one after another.</summary>
internal static class LifecycleCommands
{
    public static Command CreatePause()
    {
        var retention = RetentionOption("paused");
        return Create(
            "pause",
            "Freeze sandboxes: kernel, variables and memory are kept, no CPU is used; 'exec' or 'resume' continues them.",
            "Paused",
            [retention],
            (directory, id, parse, ct) => ApplyAsync(id, directory.PauseAsync(id, RetentionOf(parse, retention), ct)));
    }

    public static Command CreateStop()
    {
        var retention = RetentionOption("stopped");
        return Create(
            "stop",
            "Stop sandboxes: memory and variables are released, files in /app and installed packages kept; 'exec' or 'resume' starts a fresh kernel on them.",
            "Stopped",
            [retention],
            (directory, id, parse, ct) => ApplyAsync(id, directory.StopAsync(id, RetentionOf(parse, retention), ct)));
    }

    public static Command CreateResume() => Create(
        "resume",
        "Resume paused or stopped sandboxes without running code; a running one is left as it is.",
        "Resumed",
        [],
        (directory, id, _, ct) => ApplyAsync(id, directory.ResumeAsync(id, ct)));

    public static Command CreateRemove() => Create(
        "rm",
        "Remove sandboxes and their files, whatever their state.",
        "Removed",
        [],
        async (directory, id, _, ct) => await directory.DeleteAsync(id, ct));

    private static Option<string?> RetentionOption(string state) => new("--retention")
    {
        Description = $"How long the sandbox is kept {state} before a sweep may remove it, e.g. 2h or 7d. Default: its lease's length.",
    };

    /// <exception cref="ArgumentException">The retention is not a duration.</exception>
    private static TimeSpan? RetentionOf(ParseResult parse, Option<string?> retention) =>
        parse.GetValue(retention) is { } text ? Duration.Parse(text, "--retention") : null;

    private static async Task<bool> ApplyAsync(string id, Task change)
    {
        await change;
        return true;
    }

    /// <summary>Creates a command that applies <paramref name="apply"/> to each id (false: no such sandbox) and reports each on stdout.</summary>
    private static Command Create(
        string name,
        string description,
        string done,
        Option[] options,
        Func<ISandboxDirectory, string, ParseResult, CancellationToken, Task<bool>> apply)
    {
        var ids = new Argument<string[]>("id")
        {
            Description = "Sandbox ids, or at least their first 12 hex digits ('ipybox ls').",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command(name, description) { ids };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = new DockerSandboxProvider().Directory;
            var exitCode = ExitCodes.Success;
            foreach (var id in parse.GetValue(ids) ?? [])
            {
                try
                {
                    if (await apply(directory, SandboxIds.Normalize(id), parse, cancellationToken))
                    {
                        Console.WriteLine($"{done} {SandboxIds.Normalize(id)}");
                    }
                    else
                    {
                        exitCode = Math.Max(exitCode, SandboxIds.ReportNotFound(id));
                    }
                }
                catch (SandboxNotFoundException)
                {
                    exitCode = Math.Max(exitCode, SandboxIds.ReportNotFound(id));
                }
                catch (ArgumentException ex)
                {
                    Console.Error.WriteLine($"error: {ex.Message}");
                    return ExitCodes.Failure;
                }
                catch (Exception ex) when (ex is IpyBoxException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"error: {ex.Message}");
                    exitCode = Math.Max(exitCode, ExitCodes.SandboxError);
                }
            }

            return exitCode;
        });
        return command;
    }
}
