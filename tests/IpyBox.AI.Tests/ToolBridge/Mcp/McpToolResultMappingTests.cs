using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests.ToolBridge.Mcp;

/// <summary>What the MCP SDK's client tools really return, from the real test server, mapped for the kernel.</summary>
public sealed class McpToolResultMappingTests : IAsyncLifetime
{
    private McpServerConnection? _connection;

    private McpServerConnection Connection => _connection ?? throw new InvalidOperationException("Not connected.");

    public async Task InitializeAsync() => _connection = await McpServerConnection.ConnectAsync(TestMcpServers.Stdio("test"));

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Structured_content_becomes_a_json_value()
    {
        var encoded = await EncodeAsync("forecast", new() { ["city"] = "Oslo", ["days"] = 1 });

        Assert.Equal("""{"json":{"city":"Oslo","unit":"celsius","temperatures":[20]}}""", encoded);
    }

    [Fact]
    public async Task An_error_result_fails_the_call_with_the_server_text()
    {
        var tool = Connection.Tools.Single(t => t.Name == "fail");
        var result = await tool.InvokeAsync(new AIFunctionArguments { ["message"] = "quota exceeded" });

        var error = Assert.Throws<ToolCallFailedException>(() => ToolResultEncoder.Encode(result, tool.JsonSerializerOptions));

        Assert.Equal("quota exceeded", error.Message);
    }

    [Fact]
    public async Task An_image_becomes_an_image_value()
    {
        var encoded = await EncodeAsync("pixel_image", []);

        Assert.StartsWith("""{"image":{"mime":"image/png","data":"iVBOR""", encoded, StringComparison.Ordinal);
    }

    private async Task<string> EncodeAsync(string name, AIFunctionArguments arguments)
    {
        var tool = Connection.Tools.Single(t => t.Name == name);
        var result = await tool.InvokeAsync(arguments);
        return ToolResultEncoder.Encode(result, tool.JsonSerializerOptions).ToJsonString();
    }
}
