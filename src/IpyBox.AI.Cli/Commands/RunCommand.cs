using System.CommandLine;
using IpyBox.AI.Cli.Terminal;

namespace IpyBox.AI.Cli.Commands;

/// <summary>
/// <c>ipybox run</c>: runs code in a fresh sandbox, streaming its output; the sandbox is removed afterwards, or with
/// <c>--keep</c> left as a durable sandbox that <c>exec</c> continues.
/// </summary>
internal static class RunCommand
{
    /// <summary>The lease of a sandbox kept with <c>--keep</c> and no <c>--lease</c>.</summary>
    private static readonly TimeSpan s_defaultLease = TimeSpan.FromHours(1);

    public static Command Create()
    {
        var keep = new Option<bool>("--keep")
        {
            Description = "Keep the sandbox after the code ran, as a durable sandbox: its id is printed on stderr ('sandbox: <id>') for 'ipybox exec'.",
        };
        var lease = new Option<string?>("--lease")
        {
            Description = "With --keep: how long the sandbox is kept without use before a sweep removes it, e.g. 30m, 2h, 7d. Default: 1h.",
        };
        var metadata = new Option<string[]>("--meta")
        {
            Description = "With --keep: metadata for the sandbox, as KEY=VALUE, to find it with 'ipybox ls --meta'. Repeatable.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var snapshot = new Option<string?>("--snapshot")
        {
            Description = "Start from the files and packages of this snapshot ('ipybox snapshot create').",
        };
        var cell = new CellArguments();
        var container = new ContainerArguments();

        var command = new Command("run", "Run Python code in a fresh sandbox and print its output; images are saved to files. The sandbox is removed afterwards unless --keep.");
        cell.AddTo(command);
        command.Options.Add(keep);
        command.Options.Add(lease);
        command.Options.Add(metadata);
        command.Options.Add(snapshot);
        container.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            ExecutionContainerOptions options;
            SandboxRequest request;
            Cell input;
            try
            {
                options = container.ToOptions(parse);
                request = ToRequest(parse.GetValue(keep), parse.GetValue(lease), parse.GetValue(metadata) ?? [], parse.GetValue(snapshot));
                input = await cell.ReadAsync(parse, cancellationToken);
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failure;
            }

            options.Progress = BuildProgressDisplay.ForStandardError();
            return await RunAsync(new DockerSandboxProvider(options), request, input, cancellationToken);
        });
        return command;
    }

    /// <summary>Builds the request: durable with a lease and metadata only with <c>--keep</c>.</summary>
    /// <exception cref="ArgumentException">--lease or --meta without --keep, or a malformed value.</exception>
    private static SandboxRequest ToRequest(bool keep, string? lease, string[] metadata, string? snapshot)
    {
        if (!keep && (lease is not null || metadata.Length > 0))
        {
            throw new ArgumentException("--lease and --meta apply to a kept sandbox: add --keep.");
        }

        return new SandboxRequest
        {
            Lease = keep ? (lease is null ? s_defaultLease : Duration.Parse(lease, "--lease")) : null,
            Metadata = MetadataArguments.Parse(metadata),
            Snapshot = snapshot,
        };
    }

    private static async Task<int> RunAsync(DockerSandboxProvider provider, SandboxRequest request, Cell cell, CancellationToken cancellationToken)
    {
        var kept = request.Lease is not null;
        try
        {
            // Disposing detaches a kept (durable) sandbox and removes any other.
            await using var sandbox = await provider.CreateAsync(request, cancellationToken);
            if (kept)
            {
                Console.Error.WriteLine($"sandbox: {sandbox.Id}");
            }

            return await CellRunner.RunAsync(sandbox, cell, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine(kept ? "Cancelled; the sandbox was kept." : "Cancelled; the sandbox was removed.");
            return ExitCodes.Cancelled;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is IpyBoxException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {cell.Shown(ex.Message)}");
            return ExitCodes.SandboxError;
        }
    }
}
