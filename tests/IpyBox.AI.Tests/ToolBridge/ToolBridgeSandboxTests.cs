using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests;

/// <summary>
/// The tool bridge as a sandbox decorator: each wrapper owns its bridge, so two wrappers over one sandbox (or two session
/// managers given the same sandbox) share no registrations, and a sandbox without the decorator says how to add it.
/// </summary>
public sealed class ToolBridgeSandboxTests
{
    private static readonly ToolBridgeOptions s_approveAll = new() { ApprovalPolicy = HostToolApprovalPolicy.ApproveAll };
    private readonly FakeSandbox _inner = new();

    [Fact]
    public async Task Registering_on_a_sandbox_without_a_bridge_is_refused_with_the_fix()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _inner.AddHostToolsAsync(Set("weather"), s_approveAll));

        Assert.Contains("WithToolBridge()", error.Message, StringComparison.Ordinal);
        Assert.Contains(_inner.Id, error.Message, StringComparison.Ordinal);
        Assert.Empty(_inner.MessageHandlers);
        Assert.Empty(_inner.Files.Calls);
        Assert.Empty(_inner.GetHostToolModules());
    }

    [Fact]
    public async Task Two_bridges_over_one_sandbox_keep_separate_registrations()
    {
        var first = _inner.WithToolBridge();
        var second = _inner.WithToolBridge();

        using var mine = await first.AddHostToolsAsync(Set("weather"), s_approveAll);
        using var theirs = await second.AddHostToolsAsync(Set("weather"), s_approveAll);

        Assert.NotSame(first, second);
        Assert.NotSame(first.GetService<ToolBridgeHost>(), second.GetService<ToolBridgeHost>());
        Assert.Equal(2, _inner.MessageHandlers.Count);
        mine.Dispose();
        Assert.Empty(first.GetHostToolModules());
        Assert.Equal("mcptools.weather", Assert.Single(second.GetHostToolModules()).Module);
        Assert.Single(_inner.MessageHandlers);
    }

    [Fact]
    public async Task Two_session_managers_given_the_same_sandbox_do_not_share_its_tools()
    {
        var provider = new OneSandboxProvider(_inner);
        await using var a = new SandboxSessionManager(provider, Options(o => o.HostToolSets.Add(Set("weather"))));
        await using var b = new SandboxSessionManager(provider, Options(o => o.HostToolSets.Add(Set("weather"))));

        var inA = await a.GetOrCreateAsync("k");
        var inB = await b.GetOrCreateAsync("k");
        await a.AddHostToolsAsync("k", Set("files"));

        Assert.Equal(["weather", "files"], inA.Sandbox.GetHostToolModules().Select(m => m.SetName));
        Assert.Equal(["weather"], inB.Sandbox.GetHostToolModules().Select(m => m.SetName));
    }

    [Fact]
    public async Task Wrapping_a_sandbox_that_has_a_bridge_returns_it_even_below_another_decorator()
    {
        var bridged = _inner.WithToolBridge();
        var recorded = bridged.WithNotebookRecording();

        Assert.Same(bridged, bridged.WithToolBridge());
        Assert.Same(recorded, recorded.WithToolBridge());
        using var registration = await recorded.AddHostToolsAsync(Set("weather"), s_approveAll);
        Assert.Single(bridged.GetHostToolModules());
    }

    [Fact]
    public async Task Registrations_and_the_handler_survive_a_reset()
    {
        var sandbox = _inner.WithToolBridge();
        using var registration = await sandbox.AddHostToolsAsync(Set("weather"), s_approveAll);

        await sandbox.ResetAsync();

        Assert.Equal(1, _inner.ResetCount);
        Assert.Single(_inner.MessageHandlers);
        Assert.Single(sandbox.GetHostToolModules());
    }

    [Fact]
    public async Task Disposing_the_sandbox_stops_its_bridge_and_disposes_the_inner_sandbox()
    {
        var sandbox = _inner.WithToolBridge();
        using var registration = await sandbox.AddHostToolsAsync(Set("weather"), s_approveAll);

        await sandbox.DisposeAsync();

        Assert.True(_inner.IsDisposed);
        Assert.Empty(_inner.MessageHandlers);
        Assert.Empty(sandbox.GetHostToolModules());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => sandbox.AddHostToolsAsync(Set("later"), s_approveAll));
    }

    [Fact]
    public async Task An_mcp_server_is_not_started_for_a_sandbox_without_a_bridge()
    {
        using var directory = new TempDirectory();
        var started = directory.Combine("started");
        var server = McpServerDefinition.Stdio("never", "sh", "-c", $"touch '{started}'; exec '{TestMcpServers.DotnetPath}' '{TestMcpServers.AssemblyPath}'");

        await Assert.ThrowsAsync<InvalidOperationException>(() => _inner.AddMcpServerToolsAsync(server, s_approveAll));

        Assert.False(File.Exists(started));
    }

    [Fact]
    public void The_session_manager_leaves_the_applications_tool_bridge_options_as_they_were()
    {
        var bridge = new ToolBridgeOptions();
        var options = new IpyBoxOptions { ToolBridge = bridge };
        var before = typeof(ToolBridgeOptions).GetProperties().ToDictionary(p => p.Name, p => p.GetValue(bridge));

        using var sessions = new SandboxSessionManager(new FakeSandboxProvider(), options, new Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory());

        Assert.Same(bridge, sessions.Options.ToolBridge);
        Assert.Equal(before, typeof(ToolBridgeOptions).GetProperties().ToDictionary(p => p.Name, p => p.GetValue(bridge)));
    }

    private static HostToolSet Set(string name) => new(name, [AIFunctionFactory.Create((string city) => city, "forecast")]);

    private static IpyBoxOptions Options(Action<IpyBoxOptions> configure)
    {
        // Without notebooks nothing else wraps the sandbox, so both managers get the very same instance from the provider.
        var options = new IpyBoxOptions { Notebooks = null };
        configure(options);
        return options;
    }

    /// <summary>Hands out one sandbox to every caller.</summary>
    private sealed class OneSandboxProvider(ISandbox sandbox) : ISandboxProvider
    {
        public Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default) => Task.FromResult(sandbox);

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
    }
}
