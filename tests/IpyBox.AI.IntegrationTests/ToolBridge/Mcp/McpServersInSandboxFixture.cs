namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// A session manager whose sandboxes have the network disabled and get the test MCP server (over stdio, started on the
/// host) for every conversation, with every call approved; and the test server over streamable HTTP on 127.0.0.1, which
/// tests register for one conversation.
/// </summary>
public sealed class McpServersInSandboxFixture : IAsyncLifetime
{
    private SessionManagerScope? _scope;
    private TestMcpServers.HttpServer? _http;

    public SessionManagerScope Scope => _scope ?? throw new InvalidOperationException("The fixture has not started.");

    public SandboxSessionManager Sessions => Scope.Manager;

    public TestMcpServers.HttpServer Http => _http ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        _http = await TestMcpServers.StartHttpAsync(requiredHeader: "Authorization=Bearer test-token");
        var options = new IpyBoxOptions { Container = new ExecutionContainerOptions { DisableNetwork = true }, MaxSessions = 4 };
        options.McpServers.Add(TestMcpServers.Stdio("testserver"));
        options.ToolBridge.ApprovalPolicy = HostToolApprovalPolicy.ApproveAll;
        _scope = await SessionManagerScope.CreateAsync(options);
    }

    public async Task DisposeAsync()
    {
        if (_scope is not null)
        {
            await _scope.DisposeAsync();
        }

        if (_http is not null)
        {
            await _http.DisposeAsync();
        }
    }
}
