namespace IpyBox.AI.Tests.ToolBridge.Mcp;

public sealed class McpServerDefinitionTests
{
    [Fact]
    public void Factories_set_the_transport_and_its_settings()
    {
        var stdio = McpServerDefinition.Stdio("files", "npx", "-y", "server");
        var http = McpServerDefinition.Http("search", new Uri("http://127.0.0.1:1/mcp"));
        var sse = McpServerDefinition.Sse("legacy", new Uri("http://127.0.0.1:1/sse"));

        Assert.Equal((McpServerTransportKind.Stdio, "npx"), (stdio.Transport, stdio.Command));
        Assert.Equal(["-y", "server"], stdio.Arguments);
        Assert.Equal(McpServerTransportKind.Http, http.Transport);
        Assert.Equal(McpServerTransportKind.Sse, sse.Transport);
        stdio.Validate();
        http.Validate();
        sse.Validate();
    }

    [Fact]
    public void Validate_says_what_is_missing()
    {
        Assert.Contains("needs a name", Assert.Throws<ArgumentException>(() => McpServerDefinition.Stdio(" ", "x").Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("has no command", Assert.Throws<ArgumentException>(() => new McpServerDefinition { Name = "a" }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("no absolute http(s) URL", Assert.Throws<ArgumentException>(() => new McpServerDefinition { Name = "a", Transport = McpServerTransportKind.Http }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("ConnectTimeout", Assert.Throws<ArgumentException>(() => new McpServerDefinition { Name = "a", Command = "x", ConnectTimeout = TimeSpan.Zero }.Validate()).Message, StringComparison.Ordinal);
    }
}
