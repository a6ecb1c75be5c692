using System.IO.Pipelines;
using System.Text.Json;
using IpyBox.AI.Cli.Mcp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace IpyBox.AI.Tests.Mcp;

/// <summary>
/// The MCP server of <c>ipybox mcp</c>, configured as the command configures it, served over in-memory pipes to the MCP
/// SDK's client, on a fake sandbox provider. The end-to-end tests over stdio with Docker are in IpyBox.AI.Cli.Tests.
/// </summary>
public sealed class McpToolsTests : IAsyncLifetime
{
    private readonly FakeSandboxProvider _provider = new();
    private readonly TempDirectory _root = new("ipybox-mcp-");
    private readonly List<IHost> _hosts = [];
    private readonly List<McpClient> _clients = [];

    private string Allowed => _root.Combine("allowed");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Allowed);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        _root.Dispose();
    }

    [Fact]
    public async Task Lists_the_reference_tools_with_their_parameter_schemas()
    {
        var client = await StartAsync();

        var tools = await client.ListToolsAsync();

        Assert.Equal(
            ["download_file", "execute_ipython_cell", "install_packages", "reset", "upload_file"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        AssertParameters(tools, "execute_ipython_cell", ("code", "string", true), ("timeout", "number", false));
        AssertParameters(tools, "install_packages", ("packages", "array", true), ("timeout", "number", false));
        AssertParameters(tools, "upload_file", ("relpath", "string", true), ("local_path", "string", true));
        AssertParameters(tools, "download_file", ("relpath", "string", true), ("local_path", "string", true));
        AssertParameters(tools, "reset");
        Assert.All(tools, t =>
        {
            Assert.True(t.ProtocolTool.Annotations?.DestructiveHint);
            Assert.False(string.IsNullOrWhiteSpace(t.Description));
        });
    }

    [Fact]
    public async Task The_sandbox_of_the_one_conversation_starts_at_launch_and_is_removed_when_the_host_stops()
    {
        var created = new TaskCompletionSource<SandboxRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.OnCreate = (request, _) =>
        {
            created.TrySetResult(request);
            return Task.CompletedTask;
        };

        var host = await StartHostAsync(_ => { });

        // No tool call is made: the host's start creates the sandbox.
        Assert.Equal(McpServerHost.ConversationKey, (await created.Task.WaitAsync(TimeSpan.FromMinutes(1))).ConversationKey);
        var sessions = host.Services.GetRequiredService<SandboxSessionManager>();
        var session = await sessions.GetOrCreateAsync(McpServerHost.ConversationKey);
        Assert.Equal(1, sessions.Options.MaxSessions);
        Assert.Equal(Timeout.InfiniteTimeSpan, sessions.Options.SessionIdleTimeout);

        await host.StopAsync();
        _hosts.Remove(host);
        host.Dispose();

        Assert.True(Assert.Single(_provider.Sandboxes).IsDisposed);
        Assert.True(session.IsDisposed);
    }

    [Fact]
    public async Task Execute_returns_text_and_image_blocks_and_passes_the_timeout()
    {
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("plotted", images: 1));
        var client = await StartAsync();

        var result = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = "plot()" });
        await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = "slow()", ["timeout"] = 1.5 });

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("plotted\n[image 1: image/png, 3x2 pixels]", Assert.IsType<TextContentBlock>(result.Content[0]).Text);
        var image = Assert.IsType<ImageContentBlock>(result.Content[1]);
        Assert.Equal("image/png", image.MimeType);
        Assert.Equal(Convert.FromBase64String(Frames.TinyPng), image.DecodedData.ToArray());
        Assert.Equal(
            [new FakeSubmission("plot()", TimeSpan.FromSeconds(120)), new FakeSubmission("slow()", TimeSpan.FromSeconds(1.5))],
            Assert.Single(_provider.Sandboxes).Submissions);
    }

    [Fact]
    public async Task Failures_are_error_results_with_the_shared_texts()
    {
        var calls = 0;
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => ++calls == 1
            ? FakeCells.Raises("ValueError", "broken on purpose", "before the error", "----> 4 fail()", "ValueError: broken on purpose")
            : FakeCells.Fails(new SandboxUnavailableException("The connection to the kernel was lost.")));
        var client = await StartAsync();

        var python = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = "fail()" });
        var lost = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = "x" });
        var badTimeout = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = "x", ["timeout"] = -1 });

        Assert.True(python.IsError);
        var text = Text(python);
        Assert.StartsWith("Error: the code raised ValueError: broken on purpose", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("before the error", StringComparison.Ordinal) < text.IndexOf("----> 4 fail()", StringComparison.Ordinal));
        Assert.True(lost.IsError);
        Assert.StartsWith("Error: the sandbox stopped or could not be reached", Text(lost), StringComparison.Ordinal);
        Assert.True(badTimeout.IsError);
        Assert.Contains("positive number of seconds", Text(badTimeout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_tools_need_an_allowed_directory_and_then_use_the_shared_policy()
    {
        var closed = await StartAsync(configure: _ => { });
        var refused = await closed.CallToolAsync("upload_file", new Dictionary<string, object?> { ["relpath"] = "x.txt", ["local_path"] = Path.Combine(Allowed, "x.txt") });
        Assert.True(refused.IsError);
        Assert.Contains("--allowed-dir", Text(refused), StringComparison.Ordinal);

        var source = Path.Combine(Allowed, "in.txt");
        await File.WriteAllTextAsync(source, "from the host");
        var open = await StartAsync(options => options.AllowedHostDirectories.Add(Allowed));
        var uploaded = await open.CallToolAsync("upload_file", new Dictionary<string, object?> { ["relpath"] = "data/in.txt", ["local_path"] = source });
        var outside = await open.CallToolAsync("download_file", new Dictionary<string, object?> { ["relpath"] = "data/in.txt", ["local_path"] = _root.Combine("outside.txt") });

        Assert.NotEqual(true, uploaded.IsError);
        var upload = _provider.Sandboxes.SelectMany(s => s.Files.Calls).Single();
        Assert.Equal(new FakeFileCall(nameof(ISandboxFiles.UploadFileAsync), "data/in.txt", source), upload);
        Assert.True(outside.IsError);
        Assert.Contains("outside the allowed directories", Text(outside), StringComparison.Ordinal);
        Assert.False(File.Exists(_root.Combine("outside.txt")));
    }

    [Fact]
    public async Task Install_packages_runs_the_shared_pip_cell_and_refuses_options()
    {
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("Successfully installed demo-1.0"));
        var client = await StartAsync();

        var installed = await client.CallToolAsync("install_packages", new Dictionary<string, object?> { ["packages"] = new[] { "demo==1.0" } });
        var option = await client.CallToolAsync("install_packages", new Dictionary<string, object?> { ["packages"] = new[] { "--pre", "demo" } });
        var reset = await client.CallToolAsync("reset");

        Assert.NotEqual(true, installed.IsError);
        Assert.Equal("Installed demo==1.0.\nSuccessfully installed demo-1.0", Text(installed));
        var (code, timeout) = Assert.Single(Assert.Single(_provider.Sandboxes).Submissions);
        Assert.Contains("\"-m\", \"pip\", \"install\"", code, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(300), timeout);
        Assert.True(option.IsError);
        Assert.Contains("pip option", Text(option), StringComparison.Ordinal);
        Assert.NotEqual(true, reset.IsError);
        Assert.Equal(1, _provider.Sandboxes[0].ResetCount);
    }

    private static string Text(CallToolResult result) => string.Join('\n', result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    private static void AssertParameters(IList<McpClientTool> tools, string name, params (string Name, string Type, bool Required)[] expected)
    {
        var schema = tools.Single(t => t.Name == name).ProtocolTool.InputSchema;
        var properties = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().ToDictionary(x => x.Name, x => x.Value) : [];
        Assert.Equal(expected.Select(e => e.Name).Order(StringComparer.Ordinal), properties.Keys.Order(StringComparer.Ordinal));
        foreach (var (parameter, type, _) in expected)
        {
            Assert.Equal(type, properties[parameter].GetProperty("type").GetString());
        }

        var required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
        Assert.Equal(expected.Where(e => e.Required).Select(e => e.Name).Order(StringComparer.Ordinal), required.Order(StringComparer.Ordinal));
    }

    /// <summary>Starts a server with the allowed directory (or as <paramref name="configure"/> says) and connects a client.</summary>
    private async Task<McpClient> StartAsync(Action<IpyBoxOptions>? configure = null)
    {
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        await StartHostAsync(configure ?? (o => o.AllowedHostDirectories.Add(Allowed)), clientToServer, serverToClient);
        var client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()));
        _clients.Add(client);
        return client;
    }

    private async Task<IHost> StartHostAsync(Action<IpyBoxOptions> configure, Pipe? clientToServer = null, Pipe? serverToClient = null)
    {
        clientToServer ??= new Pipe();
        serverToClient ??= new Pipe();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddIpyBoxMcpServer(configure).WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream());
        builder.Services.AddSingleton<ISandboxProvider>(_provider);
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }
}
