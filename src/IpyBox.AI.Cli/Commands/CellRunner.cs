using System.Globalization;

namespace IpyBox.AI.Cli.Commands;

/// <summary>
/// Runs one cell in a sandbox for <c>run</c> and <c>exec</c>: streams its output to stdout as it comes, saves the images it
/// displays, writes the notebook if asked, prints the sandbox's notice and the error on stderr, and returns the exit code.
/// </summary>
internal static class CellRunner
{
    /// <summary>Runs <paramref name="cell"/>; what the caller must handle itself are cancellation and a lost sandbox (<see cref="IpyBoxException"/>).</summary>
    /// <returns><see cref="ExitCodes.Success"/>, <see cref="ExitCodes.Failure"/> when the code raised, or <see cref="ExitCodes.Timeout"/>.</returns>
    public static async Task<int> RunAsync(ISandbox sandbox, Cell cell, CancellationToken cancellationToken)
    {
        var filter = cell.Filter;
        var recorded = cell.NotebookPath is null ? sandbox : sandbox.WithNotebookRecording();
        Execution? execution = null;
        try
        {
            execution = await recorded.SubmitAsync(cell.Code, cell.Timeout, cancellationToken);
            await foreach (var chunk in execution.StreamAsync(cancellationToken))
            {
                Console.Out.Write(filter is null ? chunk : filter.Filter(chunk));
                Console.Out.Flush();
            }

            Console.Out.Write(filter?.Flush());

            var result = await execution.GetResultAsync(cancellationToken);
            WriteNotice(result, cell);
            await SaveImagesAsync(result, cell.OutputDirectory, cancellationToken);
            return ExitCodes.Success;
        }
        catch (ExecutionException ex)
        {
            if (ex.Result is { } partial)
            {
                WriteNotice(partial, cell);
                await SaveImagesAsync(partial, cell.OutputDirectory, CancellationToken.None);
            }

            Console.Out.Write(filter?.Flush());
            Console.Out.Flush();
            Console.Error.WriteLine(cell.Shown(ex.Trace.Length > 0 ? ex.Trace : ex.Message));
            return ExitCodes.Failure;
        }
        catch (TimeoutException ex)
        {
            Console.Out.Write(filter?.Flush());
            Console.Error.WriteLine($"error: {cell.Shown(ex.Message)}");
            return ExitCodes.Timeout;
        }
        finally
        {
            if (cell.NotebookPath is { } path && execution is { IsCompleted: true })
            {
                await WriteNotebookAsync(recorded, path);
            }
        }
    }

    /// <summary>Tells on stderr what the sandbox says about its state, e.g. that a resumed sandbox lost its variables.</summary>
    private static void WriteNotice(ExecutionResult result, Cell cell)
    {
        if (result.Notice is { Length: > 0 } notice)
        {
            Console.Error.WriteLine($"notice: {cell.Shown(notice)}");
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
