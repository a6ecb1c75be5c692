using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace IpyBox.AI.Cli.Commands;

/// <summary><c>ipybox snapshot create|ls|rm</c>: saves a sandbox's files and packages under a name, lists and removes snapshots.</summary>
internal static class SnapshotCommand
{
    public static Command Create() => new("snapshot", "Save the files and installed packages of a sandbox under a name ('run --snapshot' starts from one), list and remove snapshots.")
    {
        CreateCreate(),
        CreateList(),
        CreateRemove(),
    };

    private static Command CreateCreate()
    {
        var id = new Argument<string>("id") { Description = "The sandbox's id, or at least its first 12 hex digits ('ipybox ls')." };
        var name = new Argument<string>("name") { Description = "The snapshot's name: letters, digits, '.', '_' and '-'. An existing snapshot of that name is replaced." };
        var command = new Command("create", "Save the files in /app and the installed packages of a sandbox (running, paused or stopped; not its variables).") { id, name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var sandboxId = parse.GetValue(id)!;
            try
            {
                var snapshot = await new DockerSandboxProvider().Snapshots.CreateSnapshotAsync(SandboxIds.Normalize(sandboxId), parse.GetValue(name)!, cancellationToken);
                Console.WriteLine(snapshot.Name);
                return ExitCodes.Success;
            }
            catch (SandboxNotFoundException)
            {
                return SandboxIds.ReportNotFound(sandboxId);
            }
            catch (Exception ex) when (ex is ArgumentException or IpyBoxException)
            {
                return Report(ex);
            }
        });
        return command;
    }

    private static Command CreateList()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array of the snapshots instead of a table." };
        var command = new Command("ls", "List the snapshots, newest first: name, the sandbox it was taken from, when, and its size beyond its image.") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var snapshots = await new DockerSandboxProvider().Snapshots.ListSnapshotsAsync(cancellationToken);
                if (parse.GetValue(json))
                {
                    await using var stdout = Console.OpenStandardOutput();
                    WriteJson(stdout, snapshots);
                }
                else
                {
                    Console.Out.Write(TextTable.Format(
                        ["NAME", "FROM SANDBOX", "CREATED", "SIZE"],
                        snapshots.Select(s => (IReadOnlyList<string>)
                        [
                            s.Name,
                            s.SourceSandboxId.Length > 0 ? SandboxIds.Short(s.SourceSandboxId) : "-",
                            SandboxListing.Time(s.Created),
                            string.Create(CultureInfo.InvariantCulture, $"{s.SizeBytes / 1048576.0:0.0} MiB"),
                        ])));
                }

                return ExitCodes.Success;
            }
            catch (IpyBoxException ex)
            {
                return Report(ex);
            }
        });
        return command;
    }

    private static Command CreateRemove()
    {
        var names = new Argument<string[]>("name") { Description = "Snapshot names.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Remove snapshots; sandboxes started from them keep their files.") { names };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var snapshots = new DockerSandboxProvider().Snapshots;
            var exitCode = ExitCodes.Success;
            foreach (var name in parse.GetValue(names) ?? [])
            {
                try
                {
                    if (await snapshots.DeleteSnapshotAsync(name, cancellationToken))
                    {
                        Console.WriteLine($"Removed {name}");
                    }
                    else
                    {
                        Console.Error.WriteLine($"error: no snapshot is named {name}; 'ipybox snapshot ls' lists them.");
                        exitCode = Math.Max(exitCode, ExitCodes.NotFound);
                    }
                }
                catch (Exception ex) when (ex is ArgumentException or IpyBoxException)
                {
                    exitCode = Math.Max(exitCode, Report(ex));
                }
            }

            return exitCode;
        });
        return command;
    }

    private static int Report(Exception ex)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        return ex is ArgumentException ? ExitCodes.Failure : ExitCodes.SandboxError;
    }

    private static void WriteJson(Stream output, IReadOnlyList<SandboxSnapshot> snapshots)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var snapshot in snapshots)
        {
            json.WriteStartObject();
            json.WriteString("name", snapshot.Name);
            json.WriteString("sourceSandboxId", snapshot.SourceSandboxId);
            json.WriteString("created", snapshot.Created);
            json.WriteNumber("sizeBytes", snapshot.SizeBytes);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.Flush();
        output.Write("\n"u8);
    }
}
