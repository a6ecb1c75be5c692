using System.Text.Json;
using Json.Schema;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace IpyBox.AI.Cli.Tests.Serve;

/// <summary>
/// Long cells on <c>ipybox serve</c>, over streamable HTTP with the MCP C# SDK client: output as progress notifications while
/// the cell runs, cancellation by the client, and structured results that match the tool's output schema.
/// </summary>
public sealed class ServeCellTests(ServeCellTests.Server server) : IClassFixture<ServeCellTests.Server>
{
    [Fact]
    public async Task Progress_notifications_carry_the_output_in_order_while_the_cell_runs_and_before_the_result()
    {
        var id = await ServeProcess.CreateSandboxAsync(server.Client);
        var gate = $"/tmp/gate-{Guid.NewGuid():N}";
        var progress = new RecordingProgress();
        var released = progress.WaitForAsync("waiting for the gate");

        // The cell waits for a file only the test creates, and the test creates it only once a notification carried the line
        // before the wait: without output while the cell runs, the cell gives up and says so.
        var call = progress.CallAsync(
            server.Client,
            "execute_ipython_cell",
            new Dictionary<string, object?>
            {
                ["sandbox_id"] = id,
                ["code"] = $$"""
                    import os, time
                    print("line 1", flush=True)
                    time.sleep(0.6)
                    print("line 2", flush=True)
                    print("waiting for the gate", flush=True)
                    for _ in range(1200):
                        if os.path.exists("{{gate}}"):
                            print("released")
                            break
                        time.sleep(0.1)
                    else:
                        print("gave up")
                    """,
            });
        await released;
        await ServeProcess.TouchAsync(id, gate);
        var (result, listening) = await call;
        await using var _ = listening;

        Assert.NotEqual(true, result.IsError);
        Assert.Contains("released", ServeProcess.TextOf(result), StringComparison.Ordinal);

        // The server sends every notification before the result; the client's handler may run just after the call returned.
        // Handlers run on tasks of their own, so the whole text is waited for; ordered by progress, it is the output in order.
        const string Expected = "line 1\nline 2\nwaiting for the gate\nreleased\n";
        await progress.WaitForAsync(Expected);
        Assert.Equal(Expected, progress.Text);
        Assert.Equal(progress.Count, progress.Values.Select(v => v.Progress).Distinct().Count());

        // Output written in a burst is gathered into few notifications of bounded size, and none is lost.
        var burst = new RecordingProgress();
        var (many, listeningToBurst) = await burst.CallAsync(
            server.Client,
            "execute_ipython_cell",
            new Dictionary<string, object?> { ["sandbox_id"] = id, ["code"] = "for i in range(5000):\n    print(f'row {i:05d}')" });
        await using var __ = listeningToBurst;
        Assert.NotEqual(true, many.IsError);
        var rows = string.Concat(Enumerable.Range(0, 5000).Select(i => $"row {i:D5}\n"));
        await burst.WaitForAsync(rows);
        Assert.Equal(rows, burst.Text);
        Assert.InRange(burst.Count, 1, 100);
        Assert.All(burst.Values, v => Assert.InRange(v.Message!.Length, 1, 8192));

        // install_packages streams pip's output the same way (a local wheel-less install that fails fast also talks).
        var pip = new RecordingProgress();
        var (installed, listeningToPip) = await pip.CallAsync(
            server.Client,
            "install_packages",
            new Dictionary<string, object?> { ["sandbox_id"] = id, ["packages"] = new[] { "./no-such-package-dir" }, ["timeout"] = 120 });
        await using var ___ = listeningToPip;
        Assert.True(installed.IsError);
        await pip.WaitForAsync("no-such-package-dir");
    }

    [Fact]
    public async Task Cancelling_a_call_interrupts_the_cell_and_keeps_the_kernel_state()
    {
        var id = await ServeProcess.CreateSandboxAsync(server.Client);
        await ServeProcess.ExecuteAsync(server.Client, id, "x = 5\ninterrupted = False");
        var progress = new RecordingProgress();
        var started = progress.WaitForAsync("sleeping");
        using var cancellation = new CancellationTokenSource();
        var call = server.Client.CallToolAsync(
            "execute_ipython_cell",
            new Dictionary<string, object?>
            {
                ["sandbox_id"] = id,
                ["code"] = "import time\nprint('sleeping', flush=True)\ntry:\n    time.sleep(600)\nexcept KeyboardInterrupt:\n    interrupted = True\n    raise",
                ["timeout"] = 900,
            },
            progress,
            cancellationToken: cancellation.Token);
        await started;
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call);

        // The next cell runs on the same kernel: nothing waits for the sleep, and x is still there. It has its own limit,
        // so a kernel still busy would end it with an error instead of a hang.
        var next = await server.Client.CallToolAsync(
            "execute_ipython_cell",
            new Dictionary<string, object?> { ["sandbox_id"] = id, ["code"] = "print(x, interrupted)", ["timeout"] = 120 });
        Assert.NotEqual(true, next.IsError);
        Assert.Equal("5 True", ServeProcess.TextOf(next).Trim());
    }

    [Fact]
    public async Task Cell_results_carry_structured_content_that_matches_the_listed_output_schema()
    {
        var tool = Assert.Single(await server.Client.ListToolsAsync(), t => t.Name == "execute_ipython_cell");
        var listed = tool.ProtocolTool.OutputSchema ?? throw new Xunit.Sdk.XunitException("execute_ipython_cell lists no output schema.");
        var schema = JsonSchema.Build(listed);
        var id = await ServeProcess.CreateSandboxAsync(server.Client);

        async Task<JsonElement> RunAsync(string code, bool isError)
        {
            var result = await ServeProcess.CallAsync(server.Client, "execute_ipython_cell", new() { ["sandbox_id"] = id, ["code"] = code });
            Assert.Equal(isError, result.IsError == true);
            Assert.NotEmpty(ServeProcess.TextOf(result));
            var structured = result.StructuredContent ?? throw new Xunit.Sdk.XunitException("The result has no structured content.");
            var evaluation = schema.Evaluate(structured, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(evaluation.IsValid, $"{structured}\ndoes not match the output schema\n{listed}");
            return structured;
        }

        var ok = await RunAsync("import sys\nprint('out')\nprint('err', file=sys.stderr)\n6 * 7", isError: false);
        Assert.Equal("ok", ok.GetProperty("status").GetString());
        Assert.Equal("out\n", ok.GetProperty("stdout").GetString());
        Assert.Equal("err\n", ok.GetProperty("stderr").GetString());
        Assert.Equal("42", ok.GetProperty("result").GetString());
        Assert.Equal(JsonValueKind.Null, ok.GetProperty("error").ValueKind);
        Assert.True(ok.GetProperty("executionCount").GetInt32() > 0);

        var raised = await RunAsync("print('before')\n1 / 0", isError: true);
        Assert.Equal("exception", raised.GetProperty("status").GetString());
        Assert.Equal("before\n", raised.GetProperty("stdout").GetString());
        var error = raised.GetProperty("error");
        Assert.Equal("ZeroDivisionError", error.GetProperty("name").GetString());
        Assert.Equal("division by zero", error.GetProperty("value").GetString());
        Assert.Contains("ZeroDivisionError", error.GetProperty("traceback").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", error.GetProperty("traceback").GetString(), StringComparison.Ordinal);

        var plot = await RunAsync("import matplotlib.pyplot as plt\nplt.plot([1, 2], [2, 1])\nplt.show()", isError: false);
        Assert.Equal(1, plot.GetProperty("images").GetInt32());

        // A call that ran no cell (an unknown id) still answers in the schema's shape.
        var unknown = await ServeProcess.CallAsync(server.Client, "execute_ipython_cell", new() { ["sandbox_id"] = new string('a', 64), ["code"] = "1" });
        Assert.True(unknown.IsError);
        var failed = unknown.StructuredContent ?? throw new Xunit.Sdk.XunitException("The refusal has no structured content.");
        Assert.True(schema.Evaluate(failed).IsValid, failed.ToString());
        Assert.Equal("failed", failed.GetProperty("status").GetString());
    }

    /// <summary>One <c>ipybox serve</c> process and a client of alice, shared by the tests of the class.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly string _runId = DockerEngine.NewRunId();
        private ServeProcess? _process;
        private McpClient? _client;

        public McpClient Client => _client ?? throw new InvalidOperationException("Not started.");

        public async Task InitializeAsync()
        {
            await DockerEngine.EnsureAvailableAsync();
            _process = await ServeProcess.StartAsync(_runId);
            _client = await _process.ConnectAsync("alice");
        }

        public async Task DisposeAsync()
        {
            if (_client is not null)
            {
                await _client.DisposeAsync();
            }

            if (_process is not null)
            {
                await _process.DisposeAsync();
            }

            await ServeProcess.RemoveSandboxesAsync(_runId);
        }
    }
}
