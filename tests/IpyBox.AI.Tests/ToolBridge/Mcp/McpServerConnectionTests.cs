using System.Text.Json;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests.ToolBridge.Mcp;

/// <summary>Connections to the real test MCP server, started as a process (stdio) or reached over HTTP on 127.0.0.1.</summary>
public sealed class McpServerConnectionTests
{
    [Fact]
    public async Task A_stdio_server_is_started_and_its_tools_listed_and_called()
    {
        await using var connection = await McpServerConnection.ConnectAsync(TestMcpServers.Stdio("test"));

        Assert.Contains("echo", connection.Tools.Select(t => t.Name));
        Assert.Contains("forecast", connection.Tools.Select(t => t.Name));
        var add = connection.Tools.Single(t => t.Name == "add");
        var result = await add.InvokeAsync(new AIFunctionArguments { ["a"] = 2, ["b"] = 40 });
        Assert.Contains("42", JsonSerializer.Serialize(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_server_is_reached_with_the_configured_headers()
    {
        await using var server = await TestMcpServers.StartHttpAsync(requiredHeader: "X-Api-Key=secret");
        var definition = McpServerDefinition.Http("web", server.Url);
        definition.Headers["X-Api-Key"] = "secret";

        await using var connection = await McpServerConnection.ConnectAsync(definition);

        Assert.Contains("echo", connection.Tools.Select(t => t.Name));
    }

    [Fact]
    public async Task An_http_server_that_refuses_the_request_gives_an_error_naming_the_server()
    {
        await using var server = await TestMcpServers.StartHttpAsync(requiredHeader: "X-Api-Key=secret");

        var error = await Assert.ThrowsAsync<McpServerException>(() => McpServerConnection.ConnectAsync(McpServerDefinition.Http("web", server.Url)));

        Assert.Contains("MCP server 'web'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_sse_server_is_reached_over_the_legacy_transport()
    {
        await using var server = await TestMcpServers.StartHttpAsync();

        await using var connection = await McpServerConnection.ConnectAsync(McpServerDefinition.Sse("legacy", server.SseUrl));

        Assert.Contains("echo", connection.Tools.Select(t => t.Name));
    }

    [Fact]
    public async Task A_stdio_server_that_exits_gives_an_error_with_its_stderr()
    {
        var definition = McpServerDefinition.Stdio("broken", "sh", "-c", "echo 'no such configuration' >&2; exit 3");

        var error = await Assert.ThrowsAsync<McpServerException>(() => McpServerConnection.ConnectAsync(definition));

        Assert.Contains("MCP server 'broken' (stdio: sh -c", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such configuration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stdio_server_gets_its_environment_and_working_directory()
    {
        using var directory = new TempDirectory();
        var definition = McpServerDefinition.Stdio("env", "sh", "-c", "echo \"$PROBE $(pwd)\" >&2; exit 3");
        definition.EnvironmentVariables["PROBE"] = "probe-value";
        definition.WorkingDirectory = directory.FullName;

        var error = await Assert.ThrowsAsync<McpServerException>(() => McpServerConnection.ConnectAsync(definition));

        Assert.Contains($"probe-value {directory.FullName}", error.Message, StringComparison.Ordinal);
    }
}
