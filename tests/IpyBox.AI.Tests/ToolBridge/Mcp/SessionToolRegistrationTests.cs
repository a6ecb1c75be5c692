using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests.ToolBridge.Mcp;

/// <summary>
/// Registration of host tools and MCP servers through the session manager, for every conversation and for one, on fake
/// sandboxes (the call path itself is tested against real kernels); MCP servers are the real test server.
/// </summary>
public sealed class SessionToolRegistrationTests : IAsyncDisposable
{
    private readonly FakeSandboxProvider _provider = new();
    private readonly List<SandboxSessionManager> _managers = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var manager in _managers)
        {
            await manager.DisposeAsync();
        }
    }

    [Fact]
    public async Task Tool_sets_for_all_conversations_are_registered_on_every_new_sandbox()
    {
        var sessions = Create(o => o.HostToolSets.Add(Weather()));

        var first = await sessions.GetOrCreateAsync("a");
        var second = await sessions.GetOrCreateAsync("b");

        foreach (var session in new[] { first, second })
        {
            var module = Assert.Single(session.Sandbox.GetHostToolModules());
            Assert.Equal("mcptools.weather", module.Module);
            Assert.Equal("forecast", Assert.Single(module.Functions).FunctionName);
        }

        Assert.All(_provider.Sandboxes, s => Assert.Contains(s.Files.Calls, c => c.Operation == "UploadDirectoryAsync"));
    }

    [Fact]
    public async Task A_sandbox_from_the_warm_pool_gets_the_tools_when_it_is_handed_out()
    {
        await using var pool = new PoolingSandboxProvider(_provider, new WarmPoolOptions { MinWarm = 1, MaxTotal = 2 });
        var options = new IpyBoxOptions();
        options.HostToolSets.Add(Weather());
        await using var sessions = new SandboxSessionManager(pool, options);

        var session = await sessions.GetOrCreateAsync("a");

        Assert.Equal("mcptools.weather", Assert.Single(session.Sandbox.GetHostToolModules()).Module);
    }

    [Fact]
    public async Task Without_tools_no_package_is_written()
    {
        var session = await Create().GetOrCreateAsync("a");

        Assert.Empty(session.Sandbox.GetHostToolModules());
        Assert.Empty(Assert.Single(_provider.Sandboxes).Files.Calls);
    }

    [Fact]
    public async Task Tools_for_one_conversation_reach_only_its_sandbox_and_return_the_generated_names()
    {
        var sessions = Create();
        var other = await sessions.GetOrCreateAsync("other");

        var registration = await sessions.AddHostToolsAsync("mine", Weather());

        Assert.Equal("mcptools.weather", registration.Module);
        Assert.Equal("mcptools.weather.forecast", Assert.Single(registration.Functions).QualifiedName);
        Assert.Single((await sessions.GetOrCreateAsync("mine")).Sandbox.GetHostToolModules());
        Assert.Empty(other.Sandbox.GetHostToolModules());
    }

    [Fact]
    public async Task Ending_a_conversation_ends_its_registrations()
    {
        var sessions = Create();
        await sessions.AddHostToolsAsync("k", Weather());
        var sandbox = (await sessions.GetOrCreateAsync("k")).Sandbox;

        await sessions.EndSessionAsync("k");

        Assert.Empty(sandbox.GetHostToolModules());
    }

    [Fact]
    public async Task An_mcp_server_for_one_conversation_becomes_a_package_named_after_it_and_closes_with_the_conversation()
    {
        var sessions = Create();

        var registration = await sessions.AddMcpServerToolsAsync("k", TestMcpServers.Stdio("testserver"));

        Assert.Equal("mcptools.testserver", registration.Module);
        Assert.Contains("mcptools.testserver.echo", registration.Functions.Select(f => f.QualifiedName));
        Assert.Contains(registration.Functions, f => f.FunctionName == "forecast" && f.Signature.Contains("city", StringComparison.Ordinal));
        await sessions.EndSessionAsync("k");
        await Assert.ThrowsAnyAsync<Exception>(async () => await registration.Connection.Client.PingAsync());
    }

    [Fact]
    public async Task Mcp_servers_for_all_conversations_are_started_once_and_closed_with_the_manager()
    {
        using var directory = new TempDirectory();
        var starts = directory.Combine("starts");
        var server = McpServerDefinition.Stdio("counted", "sh", "-c", $"echo started >> '{starts}'; exec '{TestMcpServers.DotnetPath}' '{TestMcpServers.AssemblyPath}'");
        var sessions = Create(o => o.McpServers.Add(server));

        var first = await sessions.GetOrCreateAsync("a");
        var second = await sessions.GetOrCreateAsync("b");

        Assert.Equal("mcptools.counted", Assert.Single(first.Sandbox.GetHostToolModules()).Module);
        Assert.Equal("mcptools.counted", Assert.Single(second.Sandbox.GetHostToolModules()).Module);
        Assert.Single(await File.ReadAllLinesAsync(starts));
    }

    [Fact]
    public async Task A_failing_mcp_server_fails_the_sandbox_with_its_error_and_removes_the_sandbox()
    {
        var sessions = Create(o => o.McpServers.Add(McpServerDefinition.Stdio("broken", "sh", "-c", "echo 'bad token' >&2; exit 1")));

        var error = await Assert.ThrowsAsync<McpServerException>(() => sessions.GetOrCreateAsync("a"));

        Assert.Contains("bad token", error.Message, StringComparison.Ordinal);
        Assert.True(Assert.Single(_provider.Sandboxes).IsDisposed);
        Assert.Equal(0, sessions.Count);
    }

    [Fact]
    public async Task The_listing_tool_names_every_module_and_signature()
    {
        var tools = new SandboxTools(Create(o => o.HostToolSets.Add(Weather())));

        var result = await tools.ListToolModulesAsync("k");

        Assert.False(result.IsError);
        Assert.Contains("import mcptools.weather  # Weather of the world.", result.Text, StringComparison.Ordinal);
        Assert.Contains("    mcptools.weather.forecast(", result.Text, StringComparison.Ordinal);
        Assert.Contains("city: str", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_listing_tool_says_when_nothing_is_registered()
    {
        var result = await new SandboxTools(Create()).ListToolModulesAsync("k");

        Assert.False(result.IsError);
        Assert.Equal("No tool packages are registered in this sandbox.", result.Text);
    }

    [Fact]
    public async Task The_tool_source_is_found_by_module_or_set_name_and_an_unknown_name_lists_the_packages()
    {
        var tools = new SandboxTools(Create(o => o.HostToolSets.Add(Weather())));

        var byModule = await tools.GetToolSourceAsync("k", "mcptools.weather");
        var bySet = await tools.GetToolSourceAsync("k", "weather");
        var tool = await tools.GetToolSourceAsync("k", "mcptools.weather.forecast");
        var toolBySet = await tools.GetToolSourceAsync("k", "weather.forecast");
        var unknown = await tools.GetToolSourceAsync("k", "news");
        var unknownTool = await tools.GetToolSourceAsync("k", "mcptools.weather.rain");

        Assert.Contains("forecast: Forecasts the weather.", byModule.Text, StringComparison.Ordinal);
        Assert.Contains("from .forecast import forecast", byModule.Text, StringComparison.Ordinal);
        Assert.Equal(byModule.Text, bySet.Text);
        Assert.Contains("def forecast(*, city: str, days: int)", tool.Text, StringComparison.Ordinal);
        Assert.Equal(tool.Text, toolBySet.Text);
        Assert.True(unknown.IsError);
        Assert.StartsWith("Error: no tool package or tool 'news'. The registered packages are: mcptools.weather;", unknown.Text, StringComparison.Ordinal);
        Assert.True(unknownTool.IsError);
    }

    [Fact]
    public async Task An_invalid_module_name_is_refused_before_the_kernel_runs_anything()
    {
        var tools = new SandboxTools(Create());

        var result = await tools.GetModuleSourceAsync("k", "os; import sys");

        Assert.True(result.IsError);
        Assert.Empty(Assert.Single(_provider.Sandboxes).Submissions);
    }

    [Fact]
    public void The_discovery_functions_are_offered_only_when_tools_are_registered_for_all_or_asked_for()
    {
        string[] discovery = ["list_sandbox_tools", "get_tool_source", "get_module_source"];

        var plain = Create().CreatePlugin().AsAIFunctions().Select(f => f.Name);
        var withTools = Create(o => o.HostToolSets.Add(Weather())).CreatePlugin().AsAIFunctions().Select(f => f.Name);
        var withServers = Create(o => o.McpServers.Add(TestMcpServers.Stdio("s"))).CreatePlugin().AsKernelPlugin().Select(f => f.Name);
        var asked = Create(o => o.IncludeToolDiscovery = true).CreatePlugin().AsAIFunctions().Select(f => f.Name);

        Assert.Empty(plain.Intersect(discovery));
        Assert.Equal(discovery, withTools.Intersect(discovery));
        Assert.Equal(discovery, withServers.Intersect(discovery));
        Assert.Equal(discovery, asked.Intersect(discovery));
    }

    [Fact]
    public void Search_and_execute_only_offers_three_functions_on_both_surfaces_and_skills_add_save_skill_otherwise()
    {
        string[] three = ["describe_tool", "execute_python", "search_tools"];
        using var directory = new TempDirectory("ipybox-skills-");

        var searchOnly = Create(o =>
        {
            o.SearchAndExecuteOnly = true;
            o.Skills = new SkillStore(directory.FullName);
            o.AllowNotebookExportTool = true;
        }).CreatePlugin();
        var withSkills = Create(o => o.Skills = new SkillStore(directory.FullName)).CreatePlugin().AsAIFunctions().Select(f => f.Name).ToList();

        Assert.Equal(three, searchOnly.AsAIFunctions().Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(three, searchOnly.AsKernelPlugin().Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Contains("save_skill", withSkills);
        Assert.Contains("search_tools", withSkills);
        Assert.Contains("list_sandbox_tools", withSkills);
    }

    [Fact]
    public void Options_refuse_duplicate_names_and_invalid_servers()
    {
        var duplicate = new IpyBoxOptions();
        duplicate.HostToolSets.Add(Weather());
        duplicate.McpServers.Add(TestMcpServers.Stdio("weather"));
        var invalid = new IpyBoxOptions();
        invalid.McpServers.Add(new McpServerDefinition { Name = "s", Transport = McpServerTransportKind.Http });

        Assert.Contains("Two tool sets are named 'weather'", Assert.Throws<ArgumentException>(duplicate.Validate).Message, StringComparison.Ordinal);
        Assert.Contains("MCP server 's'", Assert.Throws<ArgumentException>(invalid.Validate).Message, StringComparison.Ordinal);
        Assert.Contains("ToolBridge", Assert.Throws<ArgumentException>(new IpyBoxOptions { ToolBridge = null! }.Validate).Message, StringComparison.Ordinal);
    }

    private static HostToolSet Weather() => new(
        "weather",
        [AIFunctionFactory.Create((string city, int days) => $"{city}: sunny for {days} days", "forecast", "Forecasts the weather.")],
        "Weather of the world.");

    private SandboxSessionManager Create(Action<IpyBoxOptions>? configure = null)
    {
        var options = new IpyBoxOptions();
        configure?.Invoke(options);
        var manager = new SandboxSessionManager(_provider, options);
        _managers.Add(manager);
        return manager;
    }
}
