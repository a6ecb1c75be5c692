namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/execution.md, in the order of the page: later regions use the names of earlier ones.</summary>
internal static class ExecutionPage
{
    public static async Task RunAsync()
    {
        // <start-container>
        await using var container = new ExecutionContainer(new ExecutionContainerOptions
        {
            MemoryLimitBytes = 4L << 30,   // limits are on by default (2 GiB, 2 CPUs, 512 processes); change them here
            CpuLimit = 1.5,
        });
        await container.RunAsync();
        Console.WriteLine($"{container.ContainerId} serves kernels on {container.Host}:{container.ExecutorPort}");
        // </start-container>

        // <connect>
        await using var client = container.CreateClient();
        await client.ConnectAsync();     // creates the kernel, retrying while the server starts
        // or, in one step that disposes the client if connecting fails:
        // await using var client = await container.ConnectClientAsync();

        await client.ExecuteAsync("x = 41");
        var result = await client.ExecuteAsync("print(x + 1)");
        Console.WriteLine(result.Text);  // 42
        // </connect>

        // <stream>
        var execution = await client.SubmitAsync("""
            import time
            for i in range(5):
                print(f"Processing step {i}")
                time.sleep(1)
            """);
        await foreach (var chunk in execution.StreamAsync())
        {
            Console.Write(chunk);
        }
        var aggregated = await execution.GetResultAsync();
        // </stream>

        // <events>
        var cell = await client.SubmitAsync("import matplotlib.pyplot as plt; plt.plot([1, 3, 2]); plt.show()");
        await foreach (var output in cell.StreamEventsAsync())
        {
            switch (output)
            {
                case StreamOutputEvent { Stream: OutputStreamName.Stderr } e: Console.Error.Write(e.Text); break;
                case StreamOutputEvent e: Console.Write(e.Text); break;
                case DisplayDataEvent { Image: { } image }: await image.SaveAsync($"plot{image.FileExtension}"); break;
                case MimeOutputEvent { RichOutputs: [var rich, ..] }: Console.WriteLine($"[{rich.MediaType}] {rich.Content}"); break;
                case ExecutionErrorEvent e: Console.Error.WriteLine($"{e.ErrorName}: {e.ErrorValue}\n{e.Trace}"); break;
            }
        }
        // </events>
    }
}
