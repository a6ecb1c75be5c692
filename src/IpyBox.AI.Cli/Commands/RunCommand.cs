using System.CommandLine;
using System.Globalization;
using IpyBox.AI.Cli.Terminal;

namespace IpyBox.AI.Cli.Commands;

/// <summary><c>ipybox run</c>: runs code in a fresh sandbox, streaming its output; the sandbox is removed afterwards.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var code = new Argument<string?>("code")
        {
            Description = "The Python code to run; '-' or nothing reads it from stdin.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds the code may run before the kernel is interrupted (exit code 124).",
            DefaultValueFactory = _ => 120,
        };
        var outputDirectory = new Option<DirectoryInfo?>("--output-dir", "-o")
        {
            Description = "Where images the code displays are saved. Default: the current directory.",
        };
        var notebook = new Option<FileInfo?>("--notebook")
        {
            Description = "Also write the cell and its outputs as a Jupyter notebook (.ipynb) to this file, whether the code succeeds or not.",
        };
        var raw = new Option<bool>("--raw")
        {
            Description = "Write the sandbox's output byte for byte, escape sequences included (for piping). By default control and escape sequences are shown, not executed; colours are kept.",
        };
        var container = new ContainerArguments();

        var command = new Command("run", "Run Python code in a fresh sandbox and print its output; images are saved to files.") { code, timeout, outputDirectory, notebook, raw };
        container.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds <= 0)
            {
                Console.Error.WriteLine("error: --timeout must be a positive number of seconds.");
                return ExitCodes.Failure;
            }

            ExecutionContainerOptions options;
            try
            {
                options = container.ToOptions(parse);
            }
            catch (Exception ex) when (ex is ArgumentException or IOException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failure;
            }

            options.Progress = BuildProgressDisplay.ForStandardError();
            var source = parse.GetValue(code) is { } text && text != "-" ? text : await Console.In.ReadToEndAsync(cancellationToken);
            var directory = parse.GetValue(outputDirectory)?.FullName ?? Directory.GetCurrentDirectory();
            var filter = parse.GetValue(raw) ? null : new TerminalTextFilter();
            return await RunAsync(source, TimeSpan.FromSeconds(seconds), options, directory, parse.GetValue(notebook)?.FullName, filter, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        string code, TimeSpan timeout, ExecutionContainerOptions options, string outputDirectory, string? notebookPath, TerminalTextFilter? filter, CancellationToken cancellationToken)
    {
        // Everything the sandbox wrote, the traceback and error texts included, is shown, not executed (unless --raw).
        string Shown(string text) => filter is null ? text : filter.Filter(text) + filter.Flush();

        try
        {
            await using var sandbox = await new DockerSandboxProvider(options).CreateAsync(cancellationToken: cancellationToken);
            var recorded = notebookPath is null ? sandbox : sandbox.WithNotebookRecording();
            var execution = await recorded.SubmitAsync(code, timeout, cancellationToken);
            try
            {
                await foreach (var chunk in execution.StreamAsync(cancellationToken))
                {
                    Console.Out.Write(filter is null ? chunk : filter.Filter(chunk));
                    Console.Out.Flush();
                }

                Console.Out.Write(filter?.Flush());

                var result = await execution.GetResultAsync(cancellationToken);
                await SaveImagesAsync(result, outputDirectory, cancellationToken);
                return ExitCodes.Success;
            }
            catch (ExecutionException ex)
            {
                if (ex.Result is { } partial)
                {
                    await SaveImagesAsync(partial, outputDirectory, CancellationToken.None);
                }

                Console.Out.Write(filter?.Flush());
                Console.Out.Flush();
                Console.Error.WriteLine(Shown(ex.Trace.Length > 0 ? ex.Trace : ex.Message));
                return ExitCodes.Failure;
            }
            finally
            {
                if (notebookPath is not null && execution.IsCompleted)
                {
                    await WriteNotebookAsync(recorded, notebookPath);
                }
            }
        }
        catch (TimeoutException ex)
        {
            Console.Out.Write(filter?.Flush());
            Console.Error.WriteLine($"error: {Shown(ex.Message)}");
            return ExitCodes.Timeout;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled; the sandbox was removed.");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is IpyBoxException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {Shown(ex.Message)}");
            return ExitCodes.SandboxError;
        }
    }

    /// <summary>Writes the notebook; it is written even when the code failed or timed out, so it shows how the cell ended.</summary>
    private static async Task WriteNotebookAsync(ISandbox sandbox, string path)
    {
        try
        {
            if (Path.GetDirectoryName(path) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            await using (var file = File.Create(path))
            {
                await sandbox.ExportNotebookAsync(file, CancellationToken.None);
            }

            Console.Error.WriteLine($"Saved the notebook to {path}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: the notebook could not be written to {path}: {ex.Message}");
        }
    }

    private static async Task SaveImagesAsync(ExecutionResult result, string directory, CancellationToken cancellationToken)
    {
        if (result.Images.Count == 0)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        foreach (var image in result.Images)
        {
            var path = NextFreePath(directory, image.FileExtension);
            await image.SaveAsync(path, cancellationToken);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Saved image ({image.Width}x{image.Height}) to {path}"));
        }
    }

    private static string NextFreePath(string directory, string extension)
    {
        for (var n = 1; ; n++)
        {
            var path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"ipybox-image-{n}{extension}"));
            if (!Path.Exists(path))
            {
                return path;
            }
        }
    }
}
