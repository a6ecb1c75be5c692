using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace IpyBox.AI.Tests;

/// <summary>
/// What tools return, mapped to the bridge's value encoding: plain <see cref="AIFunction"/> results, and the results of real
/// MCP client tools talking to an MCP server in memory.
/// </summary>
public sealed class ToolResultEncoderTests : IAsyncLifetime
{
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEElEQVR4nGP4z8AAQQxwFgBB0gX7h/C5SAAAAABJRU5ErkJggg==";
    private const string Image = "{\"image\":{\"mime\":\"image/png\",\"data\":\"" + Png + "\"}}";
    private IHost? _server;
    private McpClient? _client;

    [Fact]
    public async Task Plain_function_results_map_to_text_objects_and_images()
    {
        Assert.Equal("""{"text":"hi"}""", await EncodeAsync(AIFunctionFactory.Create(() => "hi")));
        Assert.Equal("""{"none":true}""", await EncodeAsync(AIFunctionFactory.Create(() => (string?)null)));
        Assert.Equal("""{"json":42}""", await EncodeAsync(AIFunctionFactory.Create(() => 42)));
        Assert.Equal("""{"json":{"name":"a","tags":["x"]}}""", await EncodeAsync(AIFunctionFactory.Create(() => new { Name = "a", Tags = new[] { "x" } })));
        Assert.Equal(Image, await EncodeAsync(AIFunctionFactory.Create(() => new DataContent(Convert.FromBase64String(Png), "image/png"))));
        Assert.Equal("""{"bytes":{"mime":"application/pdf","data":"AQI="}}""", await EncodeAsync(AIFunctionFactory.Create(() => new DataContent(new byte[] { 1, 2 }, "application/pdf"))));
        Assert.Equal("""{"text":"a\nb"}""", await EncodeAsync(AIFunctionFactory.Create(() => new AIContent[] { new TextContent("a"), new TextContent("b") })));
        Assert.Equal(
            "{\"list\":[{\"text\":\"chart:\"}," + Image + "]}",
            await EncodeAsync(AIFunctionFactory.Create(() => new AIContent[] { new TextContent("chart:"), new DataContent(Convert.FromBase64String(Png), "image/png") })));
        var error = await Assert.ThrowsAsync<ToolCallFailedException>(() => EncodeAsync(AIFunctionFactory.Create(() => new ErrorContent("quota exceeded"))));
        Assert.Equal("quota exceeded", error.Message);
    }

    [Fact]
    public async Task Mcp_text_becomes_str_and_several_texts_are_joined()
    {
        Assert.Equal("""{"text":"sunny"}""", await EncodeAsync(await McpToolAsync("one_text")));
        Assert.Equal("""{"text":"line 1\nline 2"}""", await EncodeAsync(await McpToolAsync("two_texts")));
    }

    [Fact]
    public async Task Mcp_structured_content_becomes_python_objects()
    {
        Assert.Equal("""{"json":{"temperature":21.5,"days":["mon","tue"]}}""", await EncodeAsync(await McpToolAsync("structured")));
    }

    [Fact]
    public async Task Mcp_images_become_displayable_and_mixed_content_a_list()
    {
        Assert.Equal(Image, await EncodeAsync(await McpToolAsync("image")));
        Assert.Equal("{\"list\":[{\"text\":\"see:\"}," + Image + "]}", await EncodeAsync(await McpToolAsync("mixed")));
    }

    [Fact]
    public async Task An_mcp_error_result_fails_with_the_servers_text()
    {
        var error = await Assert.ThrowsAsync<ToolCallFailedException>(async () => await EncodeAsync(await McpToolAsync("failing")));

        Assert.Equal("no such city: Atlantis", error.Message);
    }

    [Fact]
    public async Task An_exception_in_an_mcp_tool_arrives_as_an_error_result()
    {
        var error = await Assert.ThrowsAsync<ToolCallFailedException>(async () => await EncodeAsync(await McpToolAsync("throwing")));

        Assert.Contains("throwing", error.Message);
    }

    [Fact]
    public void A_json_object_whose_content_is_not_typed_blocks_stays_an_object()
    {
        using var document = JsonDocument.Parse("""{"content":[{"text":"x"}],"extra":1}""");

        Assert.Equal("""{"json":{"content":[{"text":"x"}],"extra":1}}""", ToolResultEncoder.Encode(document.RootElement, AIJsonUtilities.DefaultOptions).ToJsonString());
    }

    [Fact]
    public void Mcp_resources_and_links_become_text_or_bytes()
    {
        using var document = JsonDocument.Parse("""
            {"content":[
              {"type":"resource","resource":{"uri":"file:///a.txt","text":"alpha"}},
              {"type":"resource","resource":{"uri":"file:///b.bin","blob":"AQI=","mimeType":"application/octet-stream"}},
              {"type":"resource_link","uri":"file:///c","name":"c"},
              {"type":"audio","data":"AQI=","mimeType":"audio/wav"}
            ]}
            """);

        var encoded = ToolResultEncoder.Encode(document.RootElement, AIJsonUtilities.DefaultOptions).ToJsonString();

        Assert.Equal(
            """{"list":[{"text":"alpha"},{"bytes":{"mime":"application/octet-stream","data":"AQI="}},{"text":"file:///c"},{"bytes":{"mime":"audio/wav","data":"AQI="}}]}""",
            encoded);
    }

    public async Task InitializeAsync()
    {
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddMcpServer()
            .WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream())
            .WithTools(
            [
                McpServerTool.Create(() => "sunny", new() { Name = "one_text" }),
                McpServerTool.Create(() => new CallToolResult { Content = [new TextContentBlock { Text = "line 1" }, new TextContentBlock { Text = "line 2" }] }, new() { Name = "two_texts" }),
                McpServerTool.Create(
                    () => new CallToolResult
                    {
                        Content = [new TextContentBlock { Text = """{"temperature":21.5,"days":["mon","tue"]}""" }],
                        StructuredContent = JsonDocument.Parse("""{"temperature":21.5,"days":["mon","tue"]}""").RootElement.Clone(),
                    },
                    new() { Name = "structured" }),
                McpServerTool.Create(() => ImageContentBlock.FromBytes(Convert.FromBase64String(Png), "image/png"), new() { Name = "image" }),
                McpServerTool.Create(
                    () => new CallToolResult { Content = [new TextContentBlock { Text = "see:" }, ImageContentBlock.FromBytes(Convert.FromBase64String(Png), "image/png")] },
                    new() { Name = "mixed" }),
                McpServerTool.Create(() => new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = "no such city: Atlantis" }] }, new() { Name = "failing" }),
                McpServerTool.Create(new Func<string>(() => throw new InvalidOperationException("boom")), new() { Name = "throwing" }),
            ]);
        _server = builder.Build();
        await _server.StartAsync();
        _client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()));
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.StopAsync();
            _server.Dispose();
        }
    }

    private static async Task<string> EncodeAsync(AIFunction function) =>
        ToolResultEncoder.Encode(await function.InvokeAsync(), function.JsonSerializerOptions).ToJsonString();

    private async Task<AIFunction> McpToolAsync(string name) => (await _client!.ListToolsAsync()).Single(tool => tool.Name == name);
}
