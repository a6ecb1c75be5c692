// Typed streaming and notebooks: render each kind of output as it arrives, then export the session as a Jupyter notebook.
using IpyBox.AI;

await using var sandbox = (await new DockerSandboxProvider().CreateAsync()).WithNotebookRecording();

var execution = await sandbox.SubmitAsync("""
    import sys, matplotlib.pyplot as plt
    print('loading data')
    print('3 rows skipped', file=sys.stderr)
    plt.plot([3, 1, 4, 1, 5]); plt.show()
    sum([3, 1, 4, 1, 5])
    """);

var kinds = new List<string>();
await foreach (var output in execution.StreamEventsAsync())
{
    switch (output)
    {
        case StreamOutputEvent { Stream: OutputStreamName.Stderr } stderr:
            Console.Error.Write($"[stderr] {stderr.Text}");
            break;
        case StreamOutputEvent stdout:
            Console.Write(stdout.Text);
            break;
        case DisplayDataEvent { Image: { } image }:
            Console.WriteLine($"[plot {image.Width}x{image.Height}, shown while the cell still runs: {!execution.IsCompleted}]");
            break;
        case ExecuteResultEvent result:
            Console.WriteLine($"Out[{result.ExecutionCount}]: {result.PlainText}");
            break;
        case ExecutionErrorEvent error:
            Console.WriteLine($"{error.ErrorName}: {error.ErrorValue}");
            break;
    }

    kinds.Add(output.GetType().Name);
}

// The notebook goes into a folder of its own, never into the current directory.
var notebook = Path.Combine(Directory.CreateTempSubdirectory("ipybox-notebook-").FullName, "session.ipynb");
await using (var file = File.Create(notebook))
{
    await sandbox.ExportNotebookAsync(file);
}

Console.WriteLine($"Events: {string.Join(", ", kinds)}. Saved {notebook} ({new FileInfo(notebook).Length} bytes).");
if (!kinds.SequenceEqual(["StreamOutputEvent", "StreamOutputEvent", "DisplayDataEvent", "ExecuteResultEvent"]))
{
    throw new InvalidOperationException("the outputs did not arrive as the expected events");
}
