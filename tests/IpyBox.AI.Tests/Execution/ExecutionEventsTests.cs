using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests;

/// <summary>The typed stream of <see cref="Execution.StreamEventsAsync"/>, fed with kernel frames.</summary>
public sealed class ExecutionEventsTests
{
    private const string Id = "cell";
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Outputs_arrive_as_typed_events_in_kernel_order()
    {
        var execution = NewExecution();
        Feed(
            execution,
            Frames.Status(Id, "busy"),
            Frames.Stream(Id, "stdout", "out\n"),
            Frames.Stream(Id, "stderr", "err\n"),
            Frames.Display(Id, new JsonObject { ["image/png"] = Frames.TinyPng, ["text/plain"] = "<Figure size 3x2>" }),
            Frames.Display(Id, new JsonObject { ["text/html"] = "<b>hi</b>", ["application/json"] = new JsonObject { ["a"] = 1 } }),
            Frames.ClearOutput(Id, wait: true),
            Frames.Result(Id, new JsonObject { ["text/plain"] = "42" }, count: 3),
            Frames.Reply(Id, count: 3),
            Frames.Status(Id, "idle"));

        var events = await ReadAllAsync(execution);

        Assert.Collection(
            events,
            e => Assert.Equal(new StreamOutputEvent(OutputStreamName.Stdout, "out\n"), e),
            e => Assert.Equal(new StreamOutputEvent(OutputStreamName.Stderr, "err\n"), e),
            e =>
            {
                var display = Assert.IsType<DisplayDataEvent>(e);
                Assert.Equal("image/png", display.Image?.MediaType);
                Assert.Equal((3, 2), (display.Image!.Width, display.Image.Height));
                Assert.Equal("<Figure size 3x2>", display.PlainText);
                Assert.Empty(display.RichOutputs);
            },
            e =>
            {
                var display = Assert.IsType<DisplayDataEvent>(e);
                Assert.Null(display.Image);
                Assert.Equal(["text/html", "application/json"], display.RichOutputs.Select(r => r.MediaType));
                Assert.Equal("<b>hi</b>", display.RichOutputs[0].Content);
                Assert.Equal("""{"a":1}""", display.RichOutputs[1].Content);
            },
            e => Assert.Equal(new ClearOutputEvent(Wait: true), e),
            e =>
            {
                var result = Assert.IsType<ExecuteResultEvent>(e);
                Assert.Equal("42", result.PlainText);
                Assert.Equal(3, result.ExecutionCount);
            });
        Assert.Same((await execution.GetResultAsync()).Images[0], ((DisplayDataEvent)events[2]).Image);
    }

    [Fact]
    public async Task Every_reader_gets_every_event_from_the_first_even_when_it_starts_late()
    {
        var execution = NewExecution();
        Feed(execution, Frames.Stream(Id, "stdout", "a"));
        var early = execution.StreamEventsAsync().GetAsyncEnumerator();
        Assert.True(await early.MoveNextAsync());
        var seenEarly = new List<ExecutionEvent> { early.Current };
        Feed(execution, Frames.Stream(Id, "stdout", "b"), Frames.Reply(Id), Frames.Status(Id, "idle"));

        var late = await ReadAllAsync(execution);
        while (await early.MoveNextAsync())
        {
            seenEarly.Add(early.Current);
        }

        await early.DisposeAsync();
        Assert.Equal(["a", "b"], late.Cast<StreamOutputEvent>().Select(e => e.Text));
        Assert.Equal(["a", "b"], seenEarly.Cast<StreamOutputEvent>().Select(e => e.Text));
    }

    [Fact]
    public async Task A_python_error_is_the_last_event_and_the_stream_ends_normally()
    {
        var execution = NewExecution();
        Feed(
            execution,
            Frames.Stream(Id, "stdout", "before\n"),
            Frames.Error(Id, "ValueError", "bad", "\u001b[0;31mTraceback\u001b[0m", "ValueError: bad"),
            Frames.Reply(Id, status: "error"),
            Frames.Status(Id, "idle"));

        var events = await ReadAllAsync(execution);

        Assert.Equal(2, events.Count);
        var error = Assert.IsType<ExecutionErrorEvent>(events[1]);
        Assert.Equal(("ValueError", "bad", "Traceback\nValueError: bad"), (error.ErrorName, error.ErrorValue, error.Trace));
        await Assert.ThrowsAsync<ExecutionException>(() => execution.GetResultAsync());
    }

    [Fact]
    public async Task An_error_reply_that_overtakes_the_error_message_gives_one_error_event()
    {
        var execution = NewExecution();
        Feed(
            execution,
            Frames.Reply(Id, status: "error"),
            Frames.Error(Id, "ValueError", "bad"),
            Frames.Status(Id, "idle"));

        var events = await ReadAllAsync(execution);

        Assert.IsType<ExecutionErrorEvent>(Assert.Single(events));
    }

    [Fact]
    public async Task A_timeout_ends_the_stream_with_the_timeout_after_the_events_before_it()
    {
        var execution = new Execution(Id, TimeSpan.FromSeconds(10), TimeSpan.Zero, _ => Task.CompletedTask, _time);
        Feed(execution, Frames.Stream(Id, "stdout", "working\n"));
        var events = new List<ExecutionEvent>();

        _time.Advance(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<ExecutionTimeoutException>(async () =>
        {
            await foreach (var e in execution.StreamEventsAsync())
            {
                events.Add(e);
            }
        });

        Assert.Equal([new StreamOutputEvent(OutputStreamName.Stdout, "working\n")], events);
        Assert.Contains("interrupted", error.Message);
    }

    [Fact]
    public async Task A_completed_execution_from_a_result_streams_the_parts_of_the_result()
    {
        var image = new ExecutionImage(Convert.FromBase64String(Frames.TinyPng), "image/png", 3, 2);
        var execution = Execution.FromResult(new ExecutionResult("out\nerr", "out\n", "err\n", [image], [new RichOutput("text/html", "<i>x</i>")], 4));

        var events = await ReadAllAsync(execution);

        Assert.Equal(
            [
                new StreamOutputEvent(OutputStreamName.Stdout, "out\n"),
                new StreamOutputEvent(OutputStreamName.Stderr, "err\n"),
            ],
            events.Take(2));
        Assert.Same(image, Assert.IsType<DisplayDataEvent>(events[2]).Image);
        Assert.Equal("<i>x</i>", Assert.IsType<DisplayDataEvent>(events[3]).RichOutputs.Single().Content);
        Assert.Equal(4, events.Count);

        var value = Assert.IsType<ExecuteResultEvent>(Assert.Single(await ReadAllAsync(Execution.FromResult(new ExecutionResult("2", executionCount: 1)))));
        Assert.Equal(("2", 1), (value.PlainText, value.ExecutionCount));
    }

    [Fact]
    public async Task A_completed_execution_from_a_python_error_streams_the_error_event()
    {
        var execution = Execution.FromException(new ExecutionException("KeyError", "'x'", "Traceback", result: null));

        var error = Assert.IsType<ExecutionErrorEvent>(Assert.Single(await ReadAllAsync(execution)));

        Assert.Equal(("KeyError", "'x'"), (error.ErrorName, error.ErrorValue));
        var partial = Execution.FromException(new ExecutionException("KeyError", "'x'", "Traceback", new ExecutionResult("before", stdout: "before\n")));
        Assert.Equal(
            [new StreamOutputEvent(OutputStreamName.Stdout, "before\n"), new ExecutionErrorEvent("KeyError", "'x'", "Traceback")],
            await ReadAllAsync(partial));
        await Assert.ThrowsAsync<SandboxUnavailableException>(async () =>
        {
            await foreach (var e in Execution.FromException(new SandboxUnavailableException("gone")).StreamEventsAsync())
            {
                Assert.Fail($"no event expected, got {e}");
            }
        });
    }

    private Execution NewExecution() => new(Id, Timeout.InfiniteTimeSpan, TimeSpan.Zero, _ => Task.CompletedTask, _time);

    private static void Feed(Execution execution, params string[] frames)
    {
        foreach (var frame in frames)
        {
            execution.Accept(Frames.Parse(frame));
        }
    }

    private static async Task<List<ExecutionEvent>> ReadAllAsync(Execution execution)
    {
        var events = new List<ExecutionEvent>();
        await foreach (var e in execution.StreamEventsAsync())
        {
            events.Add(e);
        }

        return events;
    }
}
