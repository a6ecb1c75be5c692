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
