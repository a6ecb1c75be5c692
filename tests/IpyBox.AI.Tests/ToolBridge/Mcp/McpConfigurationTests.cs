namespace IpyBox.AI.Tests.ToolBridge.Mcp;

public sealed class McpConfigurationTests
{
    [Fact]
    public void Parse_reads_stdio_http_and_sse_servers_in_file_order()
    {
        var servers = McpConfiguration.Parse("""
            {
              // Comments and trailing commas are allowed, as MCP clients write them.
              "mcpServers": {
                "files": { "command": "npx", "args": ["-y", "server-files", "/data"], "env": { "TOKEN": "t", "EMPTY": "" }, "cwd": "/srv" },
                "search": { "url": "https://example.test/mcp", "headers": { "Authorization": "Bearer x" } },
                "legacy": { "type": "sse", "url": "http://127.0.0.1:9000/sse" },
                "typed": { "type": "streamable-http", "url": "http://127.0.0.1:9001/mcp" },
                "explicit": { "type": "stdio", "command": "server" },
              },
            }
            """);

        Assert.Equal(["files", "search", "legacy", "typed", "explicit"], servers.Select(s => s.Name));
        var files = servers[0];
        Assert.Equal(McpServerTransportKind.Stdio, files.Transport);
        Assert.Equal("npx", files.Command);
        Assert.Equal(["-y", "server-files", "/data"], files.Arguments);
        Assert.Equal("t", files.EnvironmentVariables["TOKEN"]);
        Assert.Equal(string.Empty, files.EnvironmentVariables["EMPTY"]);
        Assert.Equal("/srv", files.WorkingDirectory);

        Assert.Equal(McpServerTransportKind.Http, servers[1].Transport);
        Assert.Equal(new Uri("https://example.test/mcp"), servers[1].Url);
        Assert.Equal("Bearer x", servers[1].Headers["authorization"]);
        Assert.Equal(McpServerTransportKind.Sse, servers[2].Transport);
        Assert.Equal(McpServerTransportKind.Http, servers[3].Transport);
        Assert.Equal(McpServerTransportKind.Stdio, servers[4].Transport);
    }

    [Fact]
    public void Parse_skips_disabled_servers_and_ignores_unknown_properties()
    {
        var servers = McpConfiguration.Parse("""
            {"mcpServers": {"off": {"command": "x", "disabled": true}, "on": {"command": "y", "autoApprove": ["a"], "disabled": false}}}
            """);

        Assert.Equal("on", Assert.Single(servers).Name);
    }

    [Fact]
    public void Parse_of_an_empty_server_list_returns_none()
    {
        Assert.Empty(McpConfiguration.Parse("""{"mcpServers": {}}"""));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "\"mcpServers\" object")]
    [InlineData("""{"servers": {}}""", "\"mcpServers\" object")]
    [InlineData("""{"mcpServers": {"a": "npx"}}""", "server 'a' must be an object")]
    [InlineData("""{"mcpServers": {"a": {}}}""", "server 'a' needs an absolute \"url\"")]
    [InlineData("""{"mcpServers": {"a": {"type": "stdio"}}}""", "server 'a' needs a \"command\"")]
    [InlineData("""{"mcpServers": {"a": {"command": 5}}}""", "server 'a' \"command\" must be a string")]
    [InlineData("""{"mcpServers": {"a": {"command": "x", "args": "-y"}}}""", "server 'a' \"args\" must be an array of strings")]
    [InlineData("""{"mcpServers": {"a": {"command": "x", "args": [1]}}}""", "server 'a' \"args\" must be an array of strings")]
    [InlineData("""{"mcpServers": {"a": {"command": "x", "env": {"K": 1}}}}""", "server 'a' \"env\" must be an object whose values are strings")]
    [InlineData("""{"mcpServers": {"a": {"url": "relative/path"}}}""", "server 'a' needs an absolute \"url\"")]
    [InlineData("""{"mcpServers": {"a": {"url": "ftp://host/x"}}}""", "no absolute http(s) URL")]
    [InlineData("""{"mcpServers": {"a": {"url": "http://h/x", "headers": ["x"]}}}""", "server 'a' \"headers\" must be an object")]
    [InlineData("""{"mcpServers": {"a": {"type": "websocket", "url": "ws://h"}}}""", "server 'a' has an unknown \"type\"")]
    public void Parse_names_the_problem_of_an_invalid_configuration(string json, string expected)
    {
        var error = Assert.Throws<McpServerException>(() => McpConfiguration.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_names_the_file_in_its_errors()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("mcp.json");
        await File.WriteAllTextAsync(path, """{"mcpServers": {"a": {}}}""");

        var error = await Assert.ThrowsAsync<McpServerException>(() => McpConfiguration.LoadAsync(path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
    }
}
