using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests;

/// <summary><see cref="KernelChannel"/> fed with frames as the server sends them, over a transport that records what is sent.</summary>
public sealed class KernelChannelTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingTransport _transport = new();
    private readonly JupyterMessageHandlers _handlers = new();

    [Fact]
    public async Task A_dropped_connection_is_opened_again_and_the_running_execution_goes_on()
    {
        var channel = CreateChannel(reconnectTimeout: TimeSpan.FromSeconds(10));
        var running = Track(channel, "cell");

        channel.OnConnectionLost("connection reset", null);
        channel.Receive(Frames.Stream("cell", "stdout", "replayed\n"));
        channel.Receive(Frames.Reply("cell"));
        channel.Receive(Frames.Status("cell", "idle"));

        Assert.Equal("replayed", (await running.GetResultAsync()).Text);
        Assert.Equal(1, _transport.Reconnects);
        channel.ThrowIfUnusable();
    }

    [Fact]
    public async Task A_connection_whose_kernel_is_gone_fails_the_running_execution_with_a_clear_error()
    {
        _transport.Reconnect = () => throw new HttpRequestException("no such kernel", null, System.Net.HttpStatusCode.NotFound);
        var channel = CreateChannel(reconnectTimeout: TimeSpan.FromSeconds(10));
        var running = Track(channel, "cell");

        channel.OnConnectionLost("the server closed the connection", null);

        var error = await Assert.ThrowsAsync<KernelUnavailableException>(() => running.GetResultAsync());
        Assert.Contains("no longer exists", error.Message);
        Assert.Throws<KernelUnavailableException>(channel.ThrowIfUnusable);
    }

    [Fact]
    public async Task A_message_the_client_cannot_handle_is_dropped_and_the_next_one_arrives()
    {
        var channel = CreateChannel();
        var running = Track(channel, "cell");

        channel.Receive("""{"header": {"msg_type": "stream"}, "parent_header": {"msg_id": "cell"}, "content": {"name": "stdout", "text": 5""");
        channel.Receive("""{"header": {"msg_type": "stream"}, "parent_header": {"msg_id": "cell"}, "channel": "iopub", "content": {"name": "stdout", "text": "lone \ud800 surrogate"}}""");
        channel.Receive(Frames.Reply("cell"));
        channel.Receive(Frames.Status("cell", "idle"));

        Assert.Equal("lone \uFFFD surrogate", (await running.GetResultAsync()).Text);
    }

    [Fact]
    public async Task A_message_dropped_for_its_size_leaves_a_marker_in_the_result_and_the_events_of_the_execution_it_answers()
    {
        var channel = CreateChannel();
        var running = Track(channel, "cell");
        var other = Track(channel, "other");
        var picture = Frames.Display("cell", new JsonObject { ["image/png"] = new string('A', 200_000), ["image/jpeg"] = new string('B', 200_000) });

        channel.Receive(Frames.Stream("cell", "stdout", "before\n"));
        channel.OnFrameDropped(Oversized(picture));
        channel.Receive(Frames.Stream("cell", "stdout", "after\n"));
        Finish(channel, "cell");
        Finish(channel, "other");

        var text = (await running.GetResultAsync()).Text!;
        Assert.StartsWith("before\n[a display_data message (image/png, image/jpeg) of ", text);
        Assert.Contains("Raise ExecutionClientOptions.MaxMessageSize to receive it.]\nafter", text);
        var dropped = Assert.Single(await Events(running), e => e is OutputDroppedEvent);
        Assert.Equal("ExecutionClientOptions.MaxMessageSize", ((OutputDroppedEvent)dropped).LimitOption);
        Assert.Null((await other.GetResultAsync()).Text);
    }

    [Fact]
    public async Task A_message_dropped_before_its_request_could_be_read_is_reported_to_every_running_execution()
    {
        var channel = CreateChannel();
        var first = Track(channel, "first");
        var second = Track(channel, "second");
        var headerLast = "{\"content\":{\"data\":[" + string.Join(',', Enumerable.Repeat("1", 100_000)) + "]},\"parent_header\":{\"msg_id\":\"first\"}}";

        channel.OnFrameDropped(Oversized(headerLast));
        Finish(channel, "first");
        Finish(channel, "second");

        foreach (var execution in new[] { first, second })
        {
            var text = (await execution.GetResultAsync()).Text!;
            Assert.Contains("could not be matched to an execution", text);
            Assert.Contains("ExecutionClientOptions.MaxMessageSize", text);
            Assert.Contains(await Events(execution), e => e is OutputDroppedEvent);
        }
    }

    [Fact]
    public async Task A_dropped_message_of_a_request_that_already_ended_changes_no_running_execution()
    {
        var channel = CreateChannel();
        var running = Track(channel, "cell");

        channel.OnFrameDropped(Oversized(Frames.Display("ended-long-ago", new JsonObject { ["image/png"] = new string('A', 200_000), ["image/jpeg"] = new string('B', 200_000) })));
        Finish(channel, "cell");

        Assert.Null((await running.GetResultAsync()).Text);
    }

    [Fact]
    public async Task A_json_output_nested_500_levels_deep_is_kept()
    {
        var channel = CreateChannel();
        var running = Track(channel, "cell");
        var deep = new string('[', 500) + "1" + new string(']', 500);
        var frame = Frames.Display("cell", new JsonObject { ["text/plain"] = "<IPython.core.display.JSON object>" })
            .Replace("\"text/plain\"", "\"application/json\":" + deep + ",\"text/plain\"", StringComparison.Ordinal);

        channel.Receive(frame);
        Finish(channel, "cell");

        var json = Assert.Single((await running.GetResultAsync()).RichOutputs);
        Assert.Equal("application/json", json.MediaType);
        Assert.Equal(deep, json.Content);
        var display = Assert.IsType<DisplayDataEvent>(Assert.Single(await Events(running)));
        Assert.Equal(deep, Assert.Single(display.RichOutputs).Content);
    }

    [Fact]
    public async Task Each_message_reaches_the_execution_it_answers()
    {
        var channel = CreateChannel();
        var first = Track(channel, "first");
        var second = Track(channel, "second");

        channel.Receive(Frames.Status("first", "busy"));
        channel.Receive(Frames.Stream("second", "stdout", "two\n"));
        channel.Receive(Frames.Stream("first", "stdout", "one\n"));
        channel.Receive(Frames.Stream("ended-long-ago", "stdout", "stray\n"));
        channel.Receive(Frames.Reply("second"));
        channel.Receive(Frames.Status("second", "idle"));
        channel.Receive(Frames.Reply("first"));
        Assert.False(first.IsCompleted, "an execution is complete only once its idle status arrived too");
        channel.Receive(Frames.Status("first", "idle"));

        Assert.Equal("one", (await first.GetResultAsync()).Text);
        Assert.Equal("two", (await second.GetResultAsync()).Text);
    }

    [Fact]
    public async Task The_kernel_is_ready_only_once_IOPub_carries_the_status_of_its_kernel_info_request()
    {
        var channel = CreateChannel();
        var ready = channel.WaitForKernelInfoAsync(CancellationToken.None);
        var request = Assert.Single(_transport.Sent);
        Assert.Equal("kernel_info_request", Type(request));
        Assert.Equal("shell", (string?)request["channel"]);

        channel.Receive(Frames.KernelInfoReply(Id(request)));
        Assert.False(ready.IsCompleted, "a shell reply alone does not show that IOPub outputs arrive");

        channel.Receive(Frames.Status(Id(request), "idle"));
        await ready;
    }

    [Fact]
    public async Task A_kernel_that_does_not_answer_is_asked_again_every_second_until_it_does()
    {
        var channel = CreateChannel();
        var ready = channel.WaitForKernelInfoAsync(CancellationToken.None);

        _time.AdvanceInline(TimeSpan.FromSeconds(1));
        _time.AdvanceInline(TimeSpan.FromSeconds(1));
        Assert.Equal(3, _transport.Sent.Count(frame => Type(frame) == "kernel_info_request"));
        Assert.False(ready.IsCompleted);

        channel.Receive(Frames.Status(Id(_transport.Sent.Last()), "busy"));
        await ready;
    }

    [Fact]
    public async Task A_kernel_that_never_answers_gives_a_timeout_naming_the_kernel()
    {
        var channel = CreateChannel(readyTimeout: TimeSpan.FromSeconds(3));
        var ready = channel.WaitForKernelInfoAsync(CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            _time.AdvanceInline(TimeSpan.FromSeconds(1));
        }

        var error = await Assert.ThrowsAsync<TimeoutException>(() => ready);
        Assert.Contains("kernel-1", error.Message);
    }

    [Fact]
    public async Task A_restarting_kernel_fails_the_running_execution_and_the_next_submission_waits_for_the_new_kernel()
    {
        var channel = CreateChannel();
        var running = Track(channel, "running");

        channel.Receive(Frames.ServerStatus("restarting"));

        var died = await Assert.ThrowsAsync<KernelDiedException>(() => running.GetResultAsync());
        Assert.Contains("restarted", died.Message);
        channel.ThrowIfUnusable();

        var waiting = channel.WaitIfRestartedAsync(CancellationToken.None);
        var probe = Assert.Single(_transport.Sent);
        Assert.Equal("kernel_info_request", Type(probe));
        Assert.False(waiting.IsCompleted);
        channel.Receive(Frames.Status(Id(probe), "idle"));
        await waiting;

        await channel.WaitIfRestartedAsync(CancellationToken.None);
        Assert.Single(_transport.Sent);
    }

    [Fact]
    public async Task A_dead_kernel_fails_the_running_execution_and_makes_the_channel_unusable()
    {
        var channel = CreateChannel();
        var running = Track(channel, "running");

        channel.Receive(Frames.ServerStatus("dead"));

        await Assert.ThrowsAsync<KernelDiedException>(() => running.GetResultAsync());
        var error = Assert.Throws<KernelDiedException>(channel.ThrowIfUnusable);
        Assert.Contains("could not restart", error.Message);
    }

    [Fact]
    public void Other_server_statuses_change_nothing()
    {
        var channel = CreateChannel();
        var running = Track(channel, "running");

        channel.Receive(Frames.ServerStatus("starting"));
        channel.Receive(Frames.ServerStatus("busy"));

        Assert.False(running.IsCompleted);
        channel.ThrowIfUnusable();
    }

    [Fact]
    public void An_input_request_reaches_a_handler_that_answers_through_the_channel()
    {
        JupyterMessage? seen = null;
        using var registration = _handlers.Add(new TestHandler((message, sender) =>
        {
            seen = message;
            _ = sender.SendAsync("stdin", "input_reply", new JsonObject { ["value"] = "42" }, message);
            return true;
        }));
        var channel = CreateChannel();
        Assert.True(channel.AllowsStdin);
        var request = Frames.InputRequest("cell", "How many? ");

        channel.Receive(request);

        Assert.NotNull(seen);
        Assert.Equal("input_request", seen.MessageType);
        Assert.Equal("How many? ", seen.GetString("prompt"));
        var reply = Assert.Single(_transport.Sent);
        Assert.Equal("input_reply", Type(reply));
        Assert.Equal("stdin", (string?)reply["channel"]);
        Assert.Equal("42", (string?)reply["content"]!["value"]);
        Assert.Equal(seen.MessageId, (string?)reply["parent_header"]!["msg_id"]);
    }

    [Fact]
    public void An_input_request_that_no_handler_takes_gets_an_empty_reply()
    {
        using var declines = _handlers.Add(new TestHandler((_, _) => false));
        using var fails = _handlers.Add(new TestHandler((_, _) => throw new InvalidOperationException("handler bug")));
        var channel = CreateChannel();

        channel.Receive(Frames.InputRequest("cell", "name? "));

        var reply = Assert.Single(_transport.Sent);
        Assert.Equal("input_reply", Type(reply));
        Assert.Equal(string.Empty, (string?)reply["content"]!["value"]);
    }

    [Fact]
    public void Without_handlers_executions_do_not_allow_stdin()
    {
        Assert.False(CreateChannel().AllowsStdin);
    }

    [Fact]
    public void Comm_messages_go_to_the_handlers_not_to_the_execution()
    {
        var comms = new List<JupyterMessage>();
        using var registration = _handlers.Add(new TestHandler((message, _) =>
        {
            comms.Add(message);
            return true;
        }));
        var channel = CreateChannel();
        var running = Track(channel, "cell");

        channel.Receive(Frames.CommMessage("cell", "bridge", new JsonObject { ["call"] = "lookup" }));
        channel.Receive(Frames.Stream("cell", "stdout", "printed\n"));
        channel.Receive(Frames.Reply("cell"));
        channel.Receive(Frames.Status("cell", "idle"));

        var comm = Assert.Single(comms);
        Assert.Equal("comm_msg", comm.MessageType);
        Assert.Equal("bridge", comm.GetString("comm_id"));
        Assert.True(running.IsCompleted);
        Assert.Empty(_transport.Sent);
    }

    [Fact]
    public async Task A_lost_connection_fails_the_running_execution_with_what_the_liveness_check_found()
    {
        var channel = CreateChannel(findServerGone: _ => Task.FromResult<Exception?>(new ContainerStartException("Container 0123456789ab is not running (status exited, exit code 137).\nlast log line")));
        var running = Track(channel, "cell");

        channel.OnConnectionLost("the remote party closed the connection", null);

        var error = await Assert.ThrowsAsync<KernelUnavailableException>(() => running.GetResultAsync());
        // What the host found is the cause, and comes first; the transport's error says nothing more.
        Assert.StartsWith("The sandbox's kernel server is gone: Container 0123456789ab is not running (status exited, exit code 137).", error.Message);
        Assert.Contains("kernel-1", error.Message);
        Assert.DoesNotContain("last log line", error.Message);
        Assert.IsType<ContainerStartException>(error.InnerException);
        Assert.Throws<KernelUnavailableException>(channel.ThrowIfUnusable);
    }

    [Fact]
    public async Task A_lost_connection_keeps_asking_the_liveness_check_for_a_moment_then_reports_what_is_known()
    {
        var asked = 0;
        var channel = CreateChannel(findServerGone: _ =>
        {
            asked++;
            return Task.FromResult<Exception?>(null);
        });
        var running = Track(channel, "cell");
        var cause = new System.Net.WebSockets.WebSocketException("reset by peer");

        channel.OnConnectionLost("reset by peer", cause);
        for (var i = 0; i < 20 && !running.IsCompleted; i++)
        {
            _time.AdvanceInline(TimeSpan.FromMilliseconds(200));
        }

        var error = await Assert.ThrowsAsync<KernelUnavailableException>(() => running.GetResultAsync());
        Assert.Contains("reset by peer", error.Message);
        Assert.Same(cause, error.InnerException);
        Assert.True(asked > 1, $"the liveness check was asked {asked} time(s)");
    }

    [Fact]
    public async Task Closing_fails_the_running_execution_and_a_later_lost_connection_is_not_reported()
    {
        var channel = CreateChannel();
        var running = Track(channel, "cell");

        await channel.CloseAsync(new ObjectDisposedException(nameof(ExecutionClient)));
        channel.OnConnectionLost("closed", null);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => running.GetResultAsync());
        Assert.True(_transport.Closed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => channel.SendAsync("stdin", "input_reply", new JsonObject(), null));
    }

    [Fact]
    public void A_closed_transport_makes_the_channel_unusable()
    {
        var channel = CreateChannel();
        _transport.IsOpen = false;

        var error = Assert.Throws<KernelUnavailableException>(channel.ThrowIfUnusable);
        Assert.Contains("WebSocket is closed", error.Message);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{}")]
    [InlineData("[1, 2]")]
    [InlineData("{\"header\": {\"msg_type\": 7}}")]
    public void Frames_that_are_not_kernel_messages_are_ignored(string frame)
    {
        var channel = CreateChannel();
        var running = Track(channel, "cell");

        channel.Receive(frame);

        Assert.False(running.IsCompleted);
        Assert.Empty(_transport.Sent);
    }

    public void Dispose() => _transport.Dispose();

    private static string Type(JsonObject frame) => (string)frame["header"]!["msg_type"]!;

    private static string Id(JsonObject frame) => (string)frame["header"]!["msg_id"]!;

    [Fact]
    public void A_handler_pauses_the_time_limit_of_the_execution_a_stdin_message_belongs_to()
    {
        var channel = CreateChannel();
        var interrupted = new List<string>();
        var execution = new Execution("cell", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), id =>
        {
            interrupted.Add(id);
            return Task.CompletedTask;
        }, _time);
        channel.Track(execution);
        var pauses = Assert.IsAssignableFrom<IExecutionTimeoutPause>(channel);

        Assert.Null(pauses.PauseTimeout("another-cell"));
        Assert.Null(pauses.PauseTimeout(null));
        using (pauses.PauseTimeout(Frames.Parse(Frames.InputRequest("cell", "approve?")).ParentId))
        {
            _time.AdvanceInline(TimeSpan.FromMinutes(1));
        }

        Assert.Empty(interrupted);
        _time.AdvanceInline(TimeSpan.FromSeconds(10));
        Assert.Single(interrupted);
    }

    private KernelChannel CreateChannel(TimeSpan? readyTimeout = null, Func<CancellationToken, Task<Exception?>>? findServerGone = null, TimeSpan reconnectTimeout = default) =>
        new(_transport, "kernel-1", "session-1", new Uri("http://127.0.0.1:8888/"), readyTimeout ?? TimeSpan.FromSeconds(30), _handlers, new KernelServerHost { FindServerGone = findServerGone }, _time, NullLogger.Instance, reconnectTimeout: reconnectTimeout);

    /// <summary>Feeds <paramref name="frame"/> to an assembler with a 64 KiB limit, as the WebSocket does, and returns what it tells of the dropped frame.</summary>
    private static DroppedFrame Oversized(string frame)
    {
        var assembler = new FrameAssembler(64 * 1024);
        assembler.Append(System.Text.Encoding.UTF8.GetBytes(frame));
        Assert.False(assembler.Complete(out _), "the frame fits the limit");
        return assembler.Dropped();
    }

    private static void Finish(KernelChannel channel, string id)
    {
        channel.Receive(Frames.Reply(id));
        channel.Receive(Frames.Status(id, "idle"));
    }

    private static async Task<List<ExecutionEvent>> Events(Execution execution)
    {
        var events = new List<ExecutionEvent>();
        await foreach (var output in execution.StreamEventsAsync())
        {
            events.Add(output);
        }

        return events;
    }

    private Execution Track(KernelChannel channel, string id)
    {
        var execution = new Execution(id, Timeout.InfiniteTimeSpan, TimeSpan.Zero, _ => Task.CompletedTask, _time);
        channel.Track(execution);
        return execution;
    }

    private sealed class RecordingTransport : IKernelTransport
    {
        private readonly ConcurrentQueue<JsonObject> _sent = new();

        public IReadOnlyCollection<JsonObject> Sent => _sent;

        public bool IsOpen { get; set; } = true;

        public bool Closed { get; private set; }

        public Task SendAsync(string frame)
        {
            _sent.Enqueue(JsonNode.Parse(frame)!.AsObject());
            return Task.CompletedTask;
        }

        public Func<Task> Reconnect { get; set; } = () => Task.CompletedTask;

        public int Reconnects { get; private set; }

        public Task ReconnectAsync(CancellationToken cancellationToken)
        {
            Reconnects++;
            return Reconnect();
        }

        public Task CloseAsync()
        {
            Closed = true;
            IsOpen = false;
            return Task.CompletedTask;
        }

        public void Dispose()
        {
        }
    }

    private sealed class TestHandler(Func<JupyterMessage, IJupyterMessageSender, bool> handle) : IJupyterMessageHandler
    {
        public bool Handle(JupyterMessage message, IJupyterMessageSender sender) => handle(message, sender);
    }
}
