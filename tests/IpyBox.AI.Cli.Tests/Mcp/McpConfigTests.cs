using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;

namespace IpyBox.AI.Cli.Tests.Mcp;

/// <summary>
/// <c>ipybox mcp --mcp-config</c>: the servers of an <c>mcpServers</c> file (the test MCP server over stdio and over
/// streamable HTTP on 127.0.0.1) become packages that code run by the client through <c>execute_ipython_cell</c> calls.
/// </summary>
public sealed class McpConfigTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();
    private readonly TempDirectory _directory = new("ipybox-mcp-config-");
    private TestMcpServers.HttpServer? _http;

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        _http = await TestMcpServers.StartHttpAsync(requiredHeader: "X-Api-Key=k1");
    }

    public async Task DisposeAsync()
    {
        if (_http is not null)
        {
            await _http.DisposeAsync();
        }

        await DockerEngine.RemoveAllAsync(_runId);
        _directory.Dispose();
    }

    [Fact]
    public async Task Configured_servers_are_listed_and_called_in_a_loop_from_a_cell_with_approval_off_by_default()
    {
        await using var client = await StartAsync(WriteConfig());

        var names = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Contains("list_sandbox_tools", names);
        Assert.Contains("get_tool_source", names);
        Assert.Contains("get_module_source", names);

        var listing = McpServerFixture.TextOf(await client.CallToolAsync("list_sandbox_tools", new Dictionary<string, object?>()));
        Assert.Contains("import mcptools.local", listing, StringComparison.Ordinal);
        Assert.Contains("import mcptools.remote", listing, StringComparison.Ordinal);
        Assert.Contains("mcptools.local.add(", listing, StringComparison.Ordinal);

        var source = McpServerFixture.TextOf(await client.CallToolAsync("get_tool_source", new Dictionary<string, object?> { ["module"] = "mcptools.remote.forecast" }));
        Assert.Contains("def forecast(", source, StringComparison.Ordinal);

        var cell = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?>
        {
            ["code"] = """
                from mcptools import local, remote
                total = sum(int(local.add(a=i, b=1)) for i in range(30))
                temps = remote.forecast(city="Lima", days=4)["temperatures"]
                print(total, temps)
                """,
        });
        Assert.False(cell.IsError == true, McpServerFixture.TextOf(cell));
        Assert.Equal("465 [20, 21, 22, 23]", McpServerFixture.TextOf(cell).Trim());
    }

    [Fact]
    public async Task Tool_approval_deny_rejects_every_call_and_the_tool_never_runs()
    {
        await using var client = await StartAsync(WriteConfig(), "--tool-approval", "deny");

        var cell = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?>
        {
            ["code"] = """
                from mcptools.local import echo, ToolRejectedError
                try:
                    echo(text="hi")
                except ToolRejectedError as error:
                    print("rejected:", error)
                """,
        });

        var text = McpServerFixture.TextOf(cell);
        Assert.False(cell.IsError == true, text);
        Assert.StartsWith("rejected:", text, StringComparison.Ordinal);
        Assert.Contains("--tool-approval deny", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_tools_only_serves_execute_search_and_describe_and_a_found_tool_is_called_from_a_cell()
    {
        await using var client = await StartAsync(WriteConfig(), "--search-tools-only");

        Assert.Equal(["describe_tool", "execute_ipython_cell", "search_tools"], (await client.ListToolsAsync()).Select(t => t.Name).Order(StringComparer.Ordinal));
        var found = McpServerFixture.TextOf(await client.CallToolAsync("search_tools", new Dictionary<string, object?> { ["query"] = "temperature forecast for a city", ["limit"] = 2 }));
        Assert.Matches(@"\nmcptools\.(local|remote)\.forecast\(\*, city: str", found);
        var described = McpServerFixture.TextOf(await client.CallToolAsync("describe_tool", new Dictionary<string, object?> { ["name"] = "mcptools.remote.forecast" }));
        Assert.StartsWith("from mcptools.remote import forecast\n\ndef forecast(*, city: str", described, StringComparison.Ordinal);

        var cell = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?>
        {
            ["code"] = "from mcptools.remote import forecast\nprint(forecast(city='Lima', days=2)['temperatures'])",
        });
        Assert.Equal("[20, 21]", McpServerFixture.TextOf(cell).Trim());
    }

    [Fact]
    public async Task Without_a_config_the_discovery_tools_are_not_offered()
    {
        await using var client = await StartAsync(configPath: null);

        Assert.DoesNotContain("list_sandbox_tools", (await client.ListToolsAsync()).Select(t => t.Name));
    }

    [Fact]
    public async Task An_invalid_config_fails_at_start_with_the_problem()
    {
        var path = _directory.Combine("bad.json");
        await File.WriteAllTextAsync(path, """{"mcpServers": {"x": {"args": ["--no-command"]}}}""");

        var run = await IpyBoxTool.RunAsync(["mcp", "--mcp-config", path], stdin: string.Empty);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("server 'x' needs an absolute \"url\"", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }

    private string WriteConfig()
    {
        var config = new JsonObject
        {
            ["mcpServers"] = new JsonObject
            {
                ["local"] = new JsonObject
                {
                    ["command"] = TestMcpServers.DotnetPath,
                    ["args"] = new JsonArray(TestMcpServers.AssemblyPath),
                },
                ["remote"] = new JsonObject
                {
                    ["type"] = "http",
                    ["url"] = _http!.Url.ToString(),
                    ["headers"] = new JsonObject { ["X-Api-Key"] = "k1" },
                },
            },
        };
        var path = _directory.Combine("mcp.json");
        File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    private Task<McpClient> StartAsync(string? configPath, params string[] arguments) =>
        McpServerFixture.StartAsync(_runId, stderr: null, [.. configPath is null ? [] : new[] { "--mcp-config", configPath }, "--network", "none", .. arguments]);
}
