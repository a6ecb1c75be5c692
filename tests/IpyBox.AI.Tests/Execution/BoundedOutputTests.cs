using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests;

/// <summary>What one execution holds stays within <see cref="ExecutionClientOptions.MaxOutputLength"/>, whatever the kernel sends.</summary>
public sealed class BoundedOutputTests
{
    private const int Limit = 3000;

    [Fact]
    public async Task Text_beyond_the_limit_keeps_head_and_tail_around_a_marker()
    {
        var execution = new Execution("cell", Timeout.InfiniteTimeSpan, TimeSpan.Zero, _ => Task.CompletedTask, new FakeTimeProvider(), Limit);
        execution.Accept(Frames.Parse(Frames.Stream("cell", "stdout", "first line\n")));
        for (var i = 0; i < 1000; i++)
        {
            execution.Accept(Frames.Parse(Frames.Stream("cell", "stdout", new string('x', 1000))));
        }

        execution.Accept(Frames.Parse(Frames.Stream("cell", "stdout", "\nlast line")));
        execution.Accept(Frames.Parse(Frames.Reply("cell")));
        execution.Accept(Frames.Parse(Frames.Status("cell", "idle")));

        var result = await execution.GetResultAsync();
        Assert.StartsWith("first line", result.Text);
        Assert.EndsWith("last line", result.Text);
        Assert.Contains("characters dropped", result.Text);
        Assert.True(result.Text!.Length < Limit + 300, $"the text kept {result.Text.Length} characters");
        Assert.True(result.Stdout.Length < Limit + 300, $"stdout kept {result.Stdout.Length} characters");
    }

    [Fact]
    public async Task A_short_execution_allocates_for_its_output_not_for_the_limit()
    {
        // The default limit is 4 Mi characters: reserving it up front cost every execution megabytes of zeroed memory.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var execution = new Execution("cell", Timeout.InfiniteTimeSpan, TimeSpan.Zero, _ => Task.CompletedTask, new FakeTimeProvider());
        execution.Accept(Frames.Parse(Frames.Stream("cell", "stdout", "hello\n")));
        execution.Accept(Frames.Parse(Frames.Reply("cell")));
        execution.Accept(Frames.Parse(Frames.Status("cell", "idle")));
        var result = await execution.GetResultAsync();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("hello", result.Text);
        Assert.True(allocated < 256 * 1024, $"one short execution allocated {allocated} bytes");
    }

    [Fact]
    public async Task Streamed_chunks_nobody_reads_are_dropped_beyond_the_limit_and_a_marker_says_so()
    {
        var execution = new Execution("cell", Timeout.InfiniteTimeSpan, TimeSpan.Zero, _ => Task.CompletedTask, new FakeTimeProvider(), Limit);
        for (var i = 0; i < 1000; i++)
        {
            execution.Accept(Frames.Parse(Frames.Stream("cell", "stdout", new string('y', 1000))));
        }

        execution.Accept(Frames.Parse(Frames.Reply("cell")));
        execution.Accept(Frames.Parse(Frames.Status("cell", "idle")));

        var streamed = new List<string>();
        await foreach (var chunk in execution.StreamAsync())
        {
            streamed.Add(chunk);
        }

        Assert.True(streamed.Sum(c => c.Length) < Limit + 300, $"the stream queued {streamed.Sum(c => c.Length)} characters");
        Assert.Contains("streamed output dropped", streamed[^1]);
    }

    [Fact]
    public async Task An_image_cut_to_fit_the_message_limit_is_dropped_with_a_marker_in_the_result_the_stream_and_the_events()
    {
        // A picture whose base64 exceeds half of MaxMessageSize arrives with its head and tail around the assembler's marker.
        var assembler = new FrameAssembler(64 * 1024);
        assembler.Append(System.Text.Encoding.UTF8.GetBytes(Frames.Display("cell", new JsonObject
        {
            ["image/png"] = Frames.TinyPng + new string('A', 200_000),
            ["text/plain"] = "<Figure size 4000x4000 with 1 Axes>",
        })));
        Assert.True(assembler.Complete(out var cut));
        var execution = new Execution("cell", Timeout.InfiniteTimeSpan, TimeSpan.Zero, _ => Task.CompletedTask, new FakeTimeProvider(), Limit);

        execution.Accept(JupyterMessage.Parse(cut)!);
        execution.Accept(Frames.Parse(Frames.Reply("cell")));
        execution.Accept(Frames.Parse(Frames.Status("cell", "idle")));

        var result = await execution.GetResultAsync();
        Assert.Empty(result.Images);
        Assert.Equal(
            "[an image/png output was dropped: its kernel message exceeded the client's message limit, so the image was cut and cannot be decoded. Raise ExecutionClientOptions.MaxMessageSize to receive it.]\n<Figure size 4000x4000 with 1 Axes>",
            result.Text);
        var streamed = new List<string>();
        await foreach (var chunk in execution.StreamAsync())
        {
            streamed.Add(chunk);
        }

        Assert.Contains("MaxMessageSize", Assert.Single(streamed));
        var events = new List<ExecutionEvent>();
        await foreach (var output in execution.StreamEventsAsync())
        {
            events.Add(output);
        }

        Assert.Collection(
            events,
            e => Assert.Equal("ExecutionClientOptions.MaxMessageSize", Assert.IsType<OutputDroppedEvent>(e).LimitOption),
            e => Assert.Null(Assert.IsType<DisplayDataEvent>(e).Image));
    }

    [Fact]
    public async Task Images_and_rich_outputs_beyond_the_limit_are_dropped_and_counted()
    {
        var execution = new Execution("cell", Timeout.InfiniteTimeSpan, TimeSpan.Zero, _ => Task.CompletedTask, new FakeTimeProvider(), Limit);
        for (var i = 0; i < 10; i++)
        {
            execution.Accept(Frames.Parse(Frames.Display("cell", new JsonObject { ["text/html"] = new string('h', 1000) })));
        }

        execution.Accept(Frames.Parse(Frames.Reply("cell")));
        execution.Accept(Frames.Parse(Frames.Status("cell", "idle")));

        var result = await execution.GetResultAsync();
        Assert.Equal(3, result.RichOutputs.Count);
        Assert.Contains("7 images or rich outputs dropped", result.Text);
    }
}
