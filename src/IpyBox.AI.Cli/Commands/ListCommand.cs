using System.CommandLine;
using IpyBox.AI.Cli.Terminal;

namespace IpyBox.AI.Cli.Commands;

/// <summary><c>ipybox ls</c>: lists the sandboxes on the engine, newest first, as a table or as JSON.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var state = new Option<string?>("--state")
        {
            Description = "Only sandboxes in this state.",
        };
        state.AcceptOnlyFromAmong("running", "paused", "stopped");
        var metadata = new Option<string[]>("--meta")
        {
            Description = "Only sandboxes with this metadata, as KEY=VALUE (given with 'run --keep --meta'). Repeatable (all must match).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print a JSON array of the sandboxes (full ids, times in ISO 8601, lease in seconds) instead of a table.",
        };
        var command = new Command("ls", "List the sandboxes: id, state, when the lease expires, when created, metadata.") { state, metadata, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var query = new SandboxQuery
                {
                    State = parse.GetValue(state) is { } s ? Enum.Parse<SandboxState>(s, ignoreCase: true) : null,
                };
                foreach (var (key, value) in MetadataArguments.Parse(parse.GetValue(metadata) ?? []))
                {
                    query.Metadata[key] = value;
                }

                var sandboxes = await new DockerSandboxProvider().Directory.ListAsync(query, cancellationToken);
                if (parse.GetValue(json))
                {
                    await using var stdout = Console.OpenStandardOutput();
                    SandboxListing.WriteJson(stdout, sandboxes);
                }
                else
                {
                    Console.Out.Write(SandboxListing.FormatTable(sandboxes, DateTimeOffset.UtcNow, new TerminalTextFilter()));
                }

                return ExitCodes.Success;
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failure;
            }
            catch (IpyBoxException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.SandboxError;
            }
        });
        return command;
    }
}
