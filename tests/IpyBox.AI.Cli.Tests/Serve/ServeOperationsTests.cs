using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpyBox.AI.Cli.Tests.Serve;

/// <summary>
/// Operating <c>ipybox serve</c>: host tools from <c>--mcp-config</c> in every served sandbox, OpenTelemetry exported by OTLP to
/// a loopback receiver, and the JSON log on stderr.
/// </summary>
public sealed class ServeOperationsTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();
    private readonly TempDirectory _directory = new("ipybox-serve-ops-");

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public async Task DisposeAsync()
    {
        await ServeProcess.RemoveSandboxesAsync(_runId);
        _directory.Dispose();
    }

    [Fact]
    public async Task The_mcp_config_servers_tools_are_importable_in_every_served_sandbox()
    {
        await using var http = await TestMcpServers.StartHttpAsync(requiredHeader: "X-Api-Key=k1");
        var config = new JsonObject
        {
            ["mcpServers"] = new JsonObject
            {
                ["local"] = new JsonObject { ["command"] = TestMcpServers.DotnetPath, ["args"] = new JsonArray(TestMcpServers.AssemblyPath) },
                ["remote"] = new JsonObject { ["type"] = "http", ["url"] = http.Url.ToString(), ["headers"] = new JsonObject { ["X-Api-Key"] = "k1" } },
            },
        };
        var path = _directory.Combine("mcp.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());

        await using var server = await ServeProcess.StartAsync(_runId, "--mcp-config", path, "--network", "none");
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");

        var first = await ServeProcess.CreateSandboxAsync(alice);
        var second = await ServeProcess.CreateSandboxAsync(bob);
        const string Code = """
            from mcptools import local, remote
            total = sum(int(local.add(a=i, b=1)) for i in range(10))
            print(total, remote.forecast(city="Lima", days=2)["temperatures"])
            """;
        Assert.Equal("55 [20, 21]", (await ServeProcess.ExecuteAsync(alice, first, Code)).Trim());
        Assert.Equal("55 [20, 21]", (await ServeProcess.ExecuteAsync(bob, second, Code)).Trim());
        Assert.Contains("Host tools: code in every sandbox can import the tools of the MCP servers local, remote", server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_approval_deny_rejects_calls_from_served_sandboxes()
    {
        var config = new JsonObject
        {
            ["mcpServers"] = new JsonObject
            {
                ["local"] = new JsonObject { ["command"] = TestMcpServers.DotnetPath, ["args"] = new JsonArray(TestMcpServers.AssemblyPath) },
            },
        };
        var path = _directory.Combine("deny.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());

        await using var server = await ServeProcess.StartAsync(_runId, "--mcp-config", path, "--tool-approval", "deny", "--network", "none");
        await using var client = await server.ConnectAsync("alice");
        var id = await ServeProcess.CreateSandboxAsync(client);

        var text = await ServeProcess.ExecuteAsync(client, id, """
            from mcptools.local import echo, ToolRejectedError
            try:
                echo(text="hi")
            except ToolRejectedError as error:
                print("rejected:", error)
            """);
        Assert.StartsWith("rejected:", text, StringComparison.Ordinal);
        Assert.Contains("ipybox serve was started with --tool-approval deny", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_served_cell_reaches_the_OTLP_endpoint_as_spans_and_metrics()
    {
        using var receiver = new OtlpReceiver();
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        };
        await using var server = await ServeProcess.StartAsync(_runId, withTokens: true, environment, "--network", "none");
        await using var client = await server.ConnectAsync("alice");
        var id = await ServeProcess.CreateSandboxAsync(client);
        Assert.Equal("3", (await ServeProcess.ExecuteAsync(client, id, "print(1 + 2)")).Trim());

        // The library's spans (the sandbox's start and the cell), the MCP SDK's tool call, and ASP.NET Core's request, with the service's name.
        Assert.True(
            await receiver.WaitForAsync("/v1/traces", "ipybox-serve", "create_sandbox", "execute_code", "execute_tool", "tools/call execute_ipython_cell", "POST", id),
            $"Spans missing; received {receiver.Received("/v1/traces").Length} bytes.\n{server.Stderr}");
        Assert.True(
            await receiver.WaitForAsync("/v1/metrics", "ipybox.executions", "ipybox.execution.duration", "ipybox.sandbox.start.duration", "http.server.request.duration"),
            $"Metrics missing; received {receiver.Received("/v1/metrics").Length} bytes.\n{server.Stderr}");

        // Nothing of the code or its output, and never a token.
        Assert.DoesNotContain("print(1 + 2)", receiver.Received("/v1/traces"), StringComparison.Ordinal);
        Assert.DoesNotContain(ServeProcess.Tokens["alice"], receiver.Received("/v1/traces"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_OTLP_endpoint_no_telemetry_is_set_up()
    {
        await using var server = await ServeProcess.StartAsync(_runId);
        Assert.DoesNotContain("OpenTelemetry on", server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_log_is_one_object_per_line_with_event_ids_and_fields()
    {
        await using var server = await ServeProcess.StartAsync(_runId, "--log-format", "json");
        await using var client = await server.ConnectAsync("alice");
        var id = await ServeProcess.CreateSandboxAsync(client);
        for (var waited = 0; waited < 100 && !server.Stderr.Contains(id, StringComparison.Ordinal); waited++)
        {
            // The log line is written before the result, but the pipe may deliver it a moment later.
            await Task.Delay(100);
        }

        var events = server.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var serving = Assert.Single(events, e => e.GetProperty("EventId").GetInt32() == 104);
        Assert.Equal("Information", serving.GetProperty("LogLevel").GetString());
        Assert.Equal(2, serving.GetProperty("State").GetProperty("Count").GetInt32());
        var created = Assert.Single(events, e => e.GetProperty("EventId").GetInt32() == 101);
        Assert.Equal(id, created.GetProperty("State").GetProperty("SandboxId").GetString());
        Assert.Equal("alice", created.GetProperty("State").GetProperty("Principal").GetString());
        Assert.DoesNotContain(ServeProcess.Tokens["alice"], server.Stderr, StringComparison.Ordinal);
    }
}
