using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests;

/// <summary>The host side of the bridge protocol, fed with <c>input_request</c>s as the kernel-side runtime sends them.</summary>
public sealed class ToolBridgeHostTests
{
    private static readonly ToolBridgeOptions s_approveAll = new() { ApprovalPolicy = HostToolApprovalPolicy.ApproveAll };
    private readonly FakeSandbox _inner = new();
    private readonly ISandbox _sandbox;
    private readonly RecordingSender _sender = new();

    public ToolBridgeHostTests()
    {
        _sandbox = _inner.WithToolBridge();
    }

    [Fact]
    public async Task Registration_writes_the_package_and_the_runtime_under_mcptools_and_adds_one_handler_per_sandbox()
    {
        using var first = await _sandbox.AddHostToolsAsync(new HostToolSet("Weather Service", [AIFunctionFactory.Create((string city) => city, "get-forecast")]), s_approveAll);
        using var second = await _sandbox.AddHostToolsAsync(new HostToolSet("files", [AIFunctionFactory.Create(() => 1, "list")]), s_approveAll);

        Assert.Equal("mcptools.Weather_Service", first.Module);
        Assert.Equal("mcptools/Weather_Service", first.PackagePath);
        Assert.Equal("mcptools.Weather_Service.get_forecast", Assert.Single(first.Functions).QualifiedName);
        Assert.Equal("list_", Assert.Single(second.Functions).FunctionName);
        Assert.All(_inner.Files.Calls, call => Assert.Equal(("UploadDirectoryAsync", "mcptools"), (call.Operation, call.RelativePath)));
        Assert.Single(_inner.MessageHandlers);
        Assert.Equal(["Weather Service", "files"], _sandbox.GetHostToolModules().Select(m => m.SetName));

        first.Dispose();
        Assert.Single(_inner.MessageHandlers);
        second.Dispose();
        Assert.Empty(_inner.MessageHandlers);
        Assert.Empty(_sandbox.GetHostToolModules());
    }

    [Fact]
    public async Task A_second_set_with_the_same_package_name_is_refused_until_the_first_is_disposed()
    {
        var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("web-search", [AIFunctionFactory.Create(() => 1, "a")]), s_approveAll);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _sandbox.AddHostToolsAsync(new HostToolSet("web search", [AIFunctionFactory.Create(() => 1, "b")]), s_approveAll));
        Assert.Contains("mcptools.web_search", error.Message);

        registration.Dispose();
        using var again = await _sandbox.AddHostToolsAsync(new HostToolSet("web search", [AIFunctionFactory.Create(() => 1, "b")]), s_approveAll);
    }

    [Fact]
    public async Task Ordinary_prompts_and_comm_messages_are_left_to_other_handlers()
    {
        using var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create(() => 1, "one")]), s_approveAll);
        var handler = Assert.Single(_inner.MessageHandlers);

        Assert.False(handler.Handle(Frames.Parse(Frames.InputRequest("cell", "name? ")), _sender));
        Assert.False(handler.Handle(Frames.Parse(Frames.InputRequest("cell", "ipybox-tools/1 {}")), _sender));
        Assert.False(handler.Handle(Frames.Parse(Frames.CommMessage("cell", "c1", new JsonObject { ["x"] = ToolBridgeHost.Marker })), _sender));
    }

    [Fact]
    public async Task A_call_is_answered_by_its_id_and_delivered_again_until_no_request_awaits_it()
    {
        var runs = 0;
        using var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create((int x) => { runs++; return x * 2; }, "double")]), s_approveAll);

        var answer = await AskAsync(new { rid = 7, calls = new[] { Call("c1", "t", "double", new { x = 21 }) }, @await = new[] { "c1" } });
        Assert.Equal(7, (int)answer["rid"]!);
        Assert.Equal("""[{"id":"c1","value":{"json":42}}]""", answer["results"]!.ToJsonString());

        // The same request again (its answer was lost to an interrupt): the call is not run twice and the result comes again.
        answer = await AskAsync(new { rid = 8, calls = new[] { Call("c1", "t", "double", new { x = 21 }) }, @await = new[] { "c1" } });
        Assert.Equal("""[{"id":"c1","value":{"json":42}}]""", answer["results"]!.ToJsonString());
        Assert.Equal(1, runs);

        // A request that no longer awaits it lets the host forget it.
        await AskAsync(new { rid = 9, calls = Array.Empty<object>(), @await = Array.Empty<string>() });
        answer = await AskAsync(new { rid = 10, @await = new[] { "c1" } });
        Assert.Equal("bridge", (string?)answer["results"]![0]!["error"]!["kind"]);
    }

    [Fact]
    public async Task A_set_registered_after_the_last_one_was_disposed_is_served_afresh()
    {
        var first = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create((int x) => x + 1, "inc")]), s_approveAll);
        Assert.Equal("""[{"id":"a","value":{"json":2}}]""", (await AskAsync(new { rid = 1, calls = new[] { Call("a", "t", "inc", new { x = 1 }) }, @await = new[] { "a" } }))["results"]!.ToJsonString());
        first.Dispose();
        Assert.Empty(_inner.MessageHandlers);

        using var second = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create((int x) => x * 10, "inc")]), s_approveAll);

        // The earlier call is forgotten, and the new one runs: it is not cancelled by the stop of the first registration.
        var answer = await AskAsync(new { rid = 2, calls = new[] { Call("b", "t", "inc", new { x = 4 }) }, @await = new[] { "a", "b" } });
        var results = answer["results"]!.AsArray().ToDictionary(r => (string)r!["id"]!, r => r!);
        Assert.Equal("bridge", (string?)results["a"]["error"]!["kind"]);
        Assert.Equal("""{"json":40}""", results["b"]["value"]!.ToJsonString());
    }

    [Fact]
    public async Task Disposing_the_sandbox_cancels_the_calls_in_flight()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tool = AIFunctionFactory.Create(
            async (CancellationToken cancellationToken) =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    cancelled.SetResult();
                    throw;
                }
            },
            "wait");
        using var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [tool]), s_approveAll);
        var answer = await AskAsync(new { rid = 1, calls = new[] { Call("a", "t", "wait", new { }) }, @await = new[] { "a" } });
        Assert.Equal("[]", answer["results"]!.ToJsonString());

        await _sandbox.DisposeAsync();

        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(_inner.MessageHandlers);
    }

    [Fact]
    public async Task Unknown_tools_and_other_sandboxes_sets_get_a_bridge_error_and_nothing_runs()
    {
        var other = new FakeSandbox("other");
        var ran = 0;
        using var theirs = await other.WithToolBridge().AddHostToolsAsync(new HostToolSet("secret", [AIFunctionFactory.Create(() => ++ran, "launch")]), s_approveAll);
        using var ours = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create(() => 1, "one")]), s_approveAll);

        var answer = await AskAsync(new
        {
            rid = 1,
            calls = new[] { Call("a", "secret", "launch", new { }), Call("b", "t", "launch", new { }), Call("c", "t", "ONE", new { }) },
            @await = new[] { "a", "b", "c" },
        });

        var errors = answer["results"]!.AsArray().Select(r => ((string?)r!["id"], (string?)r["error"]!["kind"], (string?)r["error"]!["message"])).OrderBy(r => r.Item1).ToList();
        Assert.Equal(
            [
                ("a", "bridge", "No tool 'launch' of a set 'secret' is registered on this sandbox."),
                ("b", "bridge", "No tool 'launch' of a set 't' is registered on this sandbox."),
                ("c", "bridge", "No tool 'ONE' of a set 't' is registered on this sandbox."),
            ],
            errors);
        Assert.Equal(0, ran);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"calls\": []}")]
    public async Task A_malformed_request_gets_an_error_answer(string json)
    {
        using var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create(() => 1, "one")]), s_approveAll);

        var answer = await AskRawAsync(json);

        Assert.NotNull((string?)answer["error"]);
        Assert.Null(answer["results"]);
    }

    [Theory]
    [InlineData("""{"rid": 3, "calls": [{"id": "", "set": "t", "tool": "one"}]}""", "id")]
    [InlineData("""{"rid": 3, "calls": [{"id": "x", "set": "t", "tool": "one", "args": [1]}]}""", "arguments")]
    [InlineData("""{"rid": 3, "calls": [{"id": "x", "tool": "one"}]}""", "'set'")]
    [InlineData("""{"rid": 3, "calls": {"id": "x"}}""", "'calls'")]
    [InlineData("""{"rid": 3, "await": [1]}""", "call id")]
    public async Task A_request_with_a_bad_field_is_answered_with_its_id_and_the_reason(string json, string reason)
    {
        using var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create(() => 1, "one")]), s_approveAll);

        var answer = await AskRawAsync(json);

        Assert.Equal(3, (int)answer["rid"]!);
        Assert.Contains(reason, (string?)answer["error"]);
    }

    [Theory]
    [InlineData("""{"rid": 7, "calls": [{"id": "a", "set": "t", "tool": "one", "args": {"x": NaN}}], "await": ["a"]}""")]
    [InlineData("""{"rid":7,"calls":[{"id":"a","set":"t","tool":"one","args":{"x":Infinity}}],"await":["a"]}""")]
    [InlineData("""{"rid": 7, "calls": [{"id": "a", "set": "t", "tool": "one", "args": {"x": """ + DeepArray + "}}]}")]
    public async Task A_request_that_cannot_be_read_is_answered_with_its_leading_id_and_nothing_runs(string json)
    {
        var ran = 0;
        using var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create(() => Interlocked.Increment(ref ran), "one")]), s_approveAll);

        var answer = await AskRawAsync(json);

        Assert.Equal(7, (int)answer["rid"]!);
        Assert.Contains("not valid JSON, or its values are nested more than 64 levels deep", (string?)answer["error"]);
        Assert.Equal(0, ran);
    }

    [Fact]
    public async Task Results_the_kernel_could_not_read_fail_that_call_only_and_values_at_the_limits_arrive_whole()
    {
        static object Parse(string json) => JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 1000 }).RootElement.Clone();
        var longest = new string('9', PythonLiteral.MaxIntegerDigits);
        var deepest = new string('[', ToolBridgeRequest.MaxValueDepth) + new string(']', ToolBridgeRequest.MaxValueDepth);
        using var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [
            new SchemaFunction("deepest", "raw JSON", "{}", _ => Parse(deepest)),
            new SchemaFunction("deeper", "raw JSON", "{}", _ => Parse("[" + deepest + "]")),
            new SchemaFunction("longest", "raw JSON", "{}", _ => Parse(longest)),
            new SchemaFunction("longer", "raw JSON", "{}", _ => Parse("{\"n\": -" + longest + "9}")),
            AIFunctionFactory.Create(() => 1.5e300, "finite"),
        ]), s_approveAll);
        var results = new Dictionary<string, JsonNode>();
        var rid = 0;
        foreach (var tool in (string[])["deeper", "deepest", "longer", "longest", "finite"])
        {
            // One after another: each answer carries its request's id and the next call is served.
            var answer = await AskAsync(new { rid = ++rid, calls = new[] { Call(tool, "t", tool, new { }) }, @await = new[] { tool } });
            Assert.Equal(rid, (int)answer["rid"]!);
            results[tool] = Assert.Single(answer["results"]!.AsArray())!;
        }

        Assert.Equal(deepest, results["deepest"]["value"]!["json"]!.ToJsonString(new JsonSerializerOptions { MaxDepth = 128 }));
        Assert.Equal(("bridge", "The result of deeper cannot be delivered: it is nested more than 64 levels deep."), ErrorOf(results["deeper"]));
        Assert.Equal(longest, results["longest"]["value"]!["json"]!.ToJsonString());
        Assert.Equal(("bridge", "The result of longer cannot be delivered: it holds an integer of 4301 digits; Python reads at most 4300."), ErrorOf(results["longer"]));
        Assert.Equal(1.5e300, (double)results["finite"]["value"]!["json"]!);

        static (string?, string?) ErrorOf(JsonNode result) => ((string?)result["error"]!["kind"], (string?)result["error"]!["message"]);
    }

    [Fact]
    public async Task Arguments_above_the_limit_fail_without_reaching_the_tool()
    {
        var ran = 0;
        var options = new ToolBridgeOptions { ApprovalPolicy = HostToolApprovalPolicy.ApproveAll, MaxArgumentBytes = 100 };
        using var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create((string s) => ++ran, "take")]), options);

        var answer = await AskAsync(new { rid = 1, calls = new[] { Call("c", "t", "take", new { s = new string('x', 200) }) }, @await = new[] { "c" } });

        Assert.Contains("larger than 100", (string?)answer["results"]![0]!["error"]!["message"]);
        Assert.Equal(0, ran);
    }

    [Fact]
    public async Task Results_above_the_limit_fail_in_the_cell()
    {
        var options = new ToolBridgeOptions { ApprovalPolicy = HostToolApprovalPolicy.ApproveAll, MaxResultBytes = 100 };
        using var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create(() => new string('x', 200), "big")]), options);

        var answer = await AskAsync(new { rid = 1, calls = new[] { Call("c", "t", "big", new { }) }, @await = new[] { "c" } });

        Assert.Contains("the limit is 100", (string?)answer["results"]![0]!["error"]!["message"]);
    }

    [Fact]
    public async Task Calls_beyond_the_pending_limit_fail_at_once()
    {
        var gate = new TaskCompletionSource<int>();
        var options = new ToolBridgeOptions { ApprovalPolicy = HostToolApprovalPolicy.ApproveAll, MaxPendingCalls = 2 };
        using var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create(() => gate.Task, "wait")]), options);

        var answer = await AskAsync(new { rid = 1, calls = new[] { Call("a", "t", "wait", new { }), Call("b", "t", "wait", new { }), Call("c", "t", "wait", new { }) }, @await = new[] { "c" } });

        Assert.Contains("Too many calls", (string?)answer["results"]![0]!["error"]!["message"]);
        gate.SetResult(1);
    }

    [Fact]
    public async Task Without_a_finished_call_the_answer_comes_empty_after_the_hold_so_other_threads_get_stdin()
    {
        var time = new FakeTimeProvider();
        var gate = new TaskCompletionSource<int>();
        var timed = _inner.WithToolBridge(timeProvider: time);
        using var registration = await timed.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create(() => gate.Task, "wait")]), s_approveAll);

        var pending = AskAsync(new { rid = 1, calls = new[] { Call("a", "t", "wait", new { }) }, @await = new[] { "a" } });
        while (!pending.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(pending, Task.Delay(20));
        }

        Assert.Equal("[]", (await pending)["results"]!.ToJsonString());
        gate.SetResult(5);
        var answer = await AskAsync(new { rid = 2, @await = new[] { "a" } });
        Assert.Equal("""[{"id":"a","value":{"json":5}}]""", answer["results"]!.ToJsonString());
    }

    [Fact]
    public async Task A_tool_that_requires_approval_is_put_to_the_handler_even_when_the_policy_approves_all()
    {
        var asked = new List<string>();
        var options = new ToolBridgeOptions
        {
            ApprovalPolicy = HostToolApprovalPolicy.ApproveAll,
            ApprovalHandler = (request, _) =>
            {
                asked.Add(request.Call.Name);
                return ValueTask.FromResult(HostToolApproval.Reject());
            },
        };
        using var registration = await _sandbox.AddHostToolsAsync(
            new HostToolSet("t", [AIFunctionFactory.Create(() => 1, "free"), new ApprovalRequiredAIFunction(AIFunctionFactory.Create(() => 2, "guarded"))]),
            options);

        var answer = await AskAsync(new { rid = 1, calls = new[] { Call("a", "t", "free", new { }), Call("b", "t", "guarded", new { }) }, @await = new[] { "a", "b" } });
        while (answer["results"]!.AsArray().Count < 2)
        {
            var more = await AskAsync(new { rid = 2, @await = new[] { "a", "b" } });
            answer = more;
        }

        var results = answer["results"]!.AsArray().ToDictionary(r => (string)r!["id"]!, r => r!);
        Assert.Equal("""{"json":1}""", results["a"]["value"]!.ToJsonString());
        Assert.Equal("rejected", (string?)results["b"]["error"]!["kind"]);
        Assert.Equal("The application rejected the call of guarded.", (string?)results["b"]["error"]!["message"]);
        Assert.Equal(["guarded"], asked);
    }

    [Fact]
    public async Task An_approval_handler_that_throws_rejects_the_call()
    {
        var ran = 0;
        var options = new ToolBridgeOptions { ApprovalHandler = (_, _) => throw new InvalidOperationException("policy store offline") };
        using var registration = await _sandbox.AddHostToolsAsync(new HostToolSet("t", [AIFunctionFactory.Create(() => ++ran, "act")]), options);

        var answer = await AskAsync(new { rid = 1, calls = new[] { Call("a", "t", "act", new { }) }, @await = new[] { "a" } });

        Assert.Equal("rejected", (string?)answer["results"]![0]!["error"]!["kind"]);
        Assert.DoesNotContain("policy store", (string?)answer["results"]![0]!["error"]!["message"]);
        Assert.Equal(0, ran);
    }

    [Fact]
    public async Task Invalid_options_are_refused_with_a_fix()
    {
        var set = new HostToolSet("t", [AIFunctionFactory.Create(() => 1, "one")]);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _sandbox.AddHostToolsAsync(set, new ToolBridgeOptions { MaxResultBytes = 64 * 1024 * 1024 }));

        Assert.Contains("MaxResultBytes", error.Message);
        Assert.Empty(_inner.MessageHandlers);
    }

    private const string DeepArray = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]";

    private static object Call(string id, string set, string tool, object args) => new { id, set, tool, args };

    private Task<JsonObject> AskAsync(object envelope) => AskRawAsync(JsonSerializer.Serialize(envelope));

    private async Task<JsonObject> AskRawAsync(string json)
    {
        var handler = Assert.Single(_inner.MessageHandlers);
        var request = Frames.Parse(Frames.InputRequest("cell", ToolBridgeHost.Marker + json));
        Assert.True(handler.Handle(request, _sender));
        var (parent, answer) = await _sender.Replies.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(request.MessageId, parent?.MessageId);
        return answer;
    }

    private sealed class RecordingSender : IJupyterMessageSender
    {
        public Channel<(JupyterMessage? Parent, JsonObject Answer)> Replies { get; } = Channel.CreateUnbounded<(JupyterMessage?, JsonObject)>();

        public Task SendAsync(string channel, string messageType, JsonObject content, JupyterMessage? parent, CancellationToken cancellationToken = default)
        {
            Assert.Equal(("stdin", "input_reply"), (channel, messageType));
            // Read as deep as the kernel reads: a result may nest as deep as the bridge allows inside the answer.
            Replies.Writer.TryWrite((parent, JsonNode.Parse((string)content["value"]!, documentOptions: new JsonDocumentOptions { MaxDepth = 1000 })!.AsObject()));
            return Task.CompletedTask;
        }
    }
}
