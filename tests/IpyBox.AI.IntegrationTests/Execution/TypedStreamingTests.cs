using System.Text.Json;

namespace IpyBox.AI.IntegrationTests;

/// <summary><see cref="Execution.StreamEventsAsync"/> against a real kernel: kinds, order, and events that arrive while the cell still runs.</summary>
[Collection(SandboxCollection.Name)]
public sealed class TypedStreamingTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task Stdout_stderr_a_plot_and_the_value_arrive_as_typed_events_and_the_plot_before_the_cell_ends()
    {
        await using var client = await sandbox.ConnectAsync();
        await using var helper = await sandbox.ConnectAsync();
        // Imported first so that a first-import notice on stderr cannot mix into the events under test.
        await client.ExecuteAsync("import matplotlib.pyplot as plt");
        var gate = $"/app/typed-events-{Guid.NewGuid():N}";

        // The cell waits, after showing its plot, for a file that the test creates only once the plot's event has arrived.
        var execution = await client.SubmitAsync($$"""
            import os, sys, time
            print('first line', flush=True)
            print('a warning', file=sys.stderr, flush=True)
            plt.figure(figsize=(2, 1), dpi=100); plt.plot([1, 2]); plt.show()
            while not os.path.exists('{{gate}}'):
                time.sleep(0.02)
            print('after the plot', flush=True)
            6 * 7
            """);

        var events = new List<ExecutionEvent>();
        var completedWhenThePlotArrived = (bool?)null;
        await foreach (var e in execution.StreamEventsAsync())
        {
            events.Add(e);
            if (e is DisplayDataEvent { Image: not null })
            {
                completedWhenThePlotArrived = execution.IsCompleted;
                await helper.ExecuteAsync($"open('{gate}', 'w').close()");
            }
        }

        Assert.False(completedWhenThePlotArrived, "the plot's event must arrive while the cell still runs");
        Assert.Collection(
            events,
            e => Assert.Equal(new StreamOutputEvent(OutputStreamName.Stdout, "first line\n"), e),
            e => Assert.Equal(new StreamOutputEvent(OutputStreamName.Stderr, "a warning\n"), e),
            e =>
            {
                var plot = Assert.IsType<DisplayDataEvent>(e);
                Assert.Equal("image/png", plot.Image!.MediaType);
                Assert.True(plot.Image.Width > 0 && plot.Image.Height > 0);
                Assert.StartsWith("<Figure size", plot.PlainText);
            },
            e => Assert.Equal(new StreamOutputEvent(OutputStreamName.Stdout, "after the plot\n"), e),
            e =>
            {
                var value = Assert.IsType<ExecuteResultEvent>(e);
                Assert.Equal("42", value.PlainText);
                Assert.NotNull(value.ExecutionCount);
            });

        var result = await execution.GetResultAsync();
        Assert.Equal(((ExecuteResultEvent)events[^1]).ExecutionCount, result.ExecutionCount);
        Assert.Equal(((DisplayDataEvent)events[2]).Image!.Data.ToArray(), Assert.Single(result.Images).Data.ToArray());
    }

    [Fact]
    public async Task Rich_displays_arrive_with_their_mime_types()
    {
        await using var client = await sandbox.ConnectAsync();
        var execution = await client.SubmitAsync("""
            from IPython.display import display, HTML, Markdown, JSON
            display(HTML('<b>bold</b>'))
            display(Markdown('# Title'))
            display(JSON({'answer': 42}))
            """);

        var displays = new List<DisplayDataEvent>();
        await foreach (var e in execution.StreamEventsAsync())
        {
            displays.Add(Assert.IsType<DisplayDataEvent>(e));
        }

        Assert.Collection(
            displays,
            d => Assert.Equal(new RichOutput("text/html", "<b>bold</b>"), Assert.Single(d.RichOutputs)),
            d => Assert.Equal(new RichOutput("text/markdown", "# Title"), Assert.Single(d.RichOutputs)),
            d =>
            {
                var json = Assert.Single(d.RichOutputs);
                Assert.Equal("application/json", json.MediaType);
                Assert.Equal(42, JsonDocument.Parse(json.Content).RootElement.GetProperty("answer").GetInt32());
            });
    }

    [Fact]
    public async Task A_raising_cell_ends_its_events_with_the_error()
    {
        await using var client = await sandbox.ConnectAsync();
        var execution = await client.SubmitAsync("print('before')\nraise ValueError('bad input')");

        var events = new List<ExecutionEvent>();
        await foreach (var e in execution.StreamEventsAsync())
        {
            events.Add(e);
        }

        Assert.Equal(2, events.Count);
        Assert.Equal(new StreamOutputEvent(OutputStreamName.Stdout, "before\n"), events[0]);
        var error = Assert.IsType<ExecutionErrorEvent>(events[1]);
        Assert.Equal(("ValueError", "bad input"), (error.ErrorName, error.ErrorValue));
        Assert.Contains("raise ValueError('bad input')", error.Trace);
        Assert.DoesNotContain("\u001b[", error.Trace, StringComparison.Ordinal);
        var thrown = await Assert.ThrowsAsync<ExecutionException>(() => execution.GetResultAsync());
        Assert.Equal(error.Trace, thrown.Trace);
    }
}
