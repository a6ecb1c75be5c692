using System.CommandLine;

namespace IpyBox.AI.Cli.Commands;

/// <summary>
/// <c>ipybox exec</c>: attaches to a sandbox by id (resuming a paused or stopped one), runs one cell with its output streamed
/// as <c>run</c> does, and detaches; the sandbox stays.
/// </summary>
internal static class ExecCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The sandbox's id, or at least its first 12 hex digits ('ipybox ls')." };
        var cell = new CellArguments();
        var command = new Command("exec", "Run Python code in an existing sandbox and print its output; a paused or stopped sandbox is resumed first. The sandbox stays.");
        command.Arguments.Add(id);
        cell.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            Cell input;
            try
            {
                input = await cell.ReadAsync(parse, cancellationToken);
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failure;
            }

            return await ExecAsync(parse.GetValue(id)!, input, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ExecAsync(string id, Cell cell, CancellationToken cancellationToken)
    {
        try
        {
            // Disposing an attached sandbox detaches from it; the sandbox stays.
            await using var sandbox = await new DockerSandboxProvider().Directory.AttachAsync(SandboxIds.Normalize(id), cancellationToken);
            return await CellRunner.RunAsync(sandbox, cell, cancellationToken);
        }
        catch (SandboxNotFoundException)
        {
            return SandboxIds.ReportNotFound(id);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled; the sandbox was kept.");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is IpyBoxException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {cell.Shown(ex.Message)}");
            return ExitCodes.SandboxError;
        }
    }
}
