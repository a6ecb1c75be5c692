using System.Collections.Concurrent;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace IpyBox.AI.Cli.Tests;

/// <summary>
/// One <c>ipybox mcp</c> process, started over stdio by the MCP C# SDK client, shared by the tests of a collection.
/// It may read and write only <see cref="AllowedDirectory"/>; <see cref="OutsideDirectory"/> is a sibling it must not touch.
/// </summary>
public sealed class McpServerFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TempDirectory _root = new("ipybox-mcp-tests-");
    private McpClient? _client;

    public string RunId { get; } = DockerEngine.NewRunId();

    public string AllowedDirectory => _root.Combine("allowed");

    public string OutsideDirectory => _root.Combine("outside");

    public McpClient Client => _client ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Gets what the server wrote to stderr so far.</summary>
    public string Stderr => string.Join('\n', _stderr);

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        Directory.CreateDirectory(AllowedDirectory);
        Directory.CreateDirectory(OutsideDirectory);
        _client = await StartAsync(RunId, _stderr, "--allowed-dir", AllowedDirectory);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        await DockerEngine.RemoveAllAsync(RunId);
        _root.Dispose();
    }

    /// <summary>Starts <c>ipybox mcp</c> with the test label and <paramref name="arguments"/>, and connects to it.</summary>
    public static Task<McpClient> StartAsync(string runId, ConcurrentQueue<string>? stderr, params string[] arguments)
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "ipybox",
            Command = IpyBoxTool.DotnetPath,
            Arguments = IpyBoxTool.Arguments(["mcp", "--label", $"{DockerEngine.TestLabel}={runId}", .. arguments]),
            StandardErrorLines = line => stderr?.Enqueue(line),
            ShutdownTimeout = TimeSpan.FromSeconds(30),
        });
        return McpClient.CreateAsync(transport);
    }

    /// <summary>Calls a tool and returns its result.</summary>
    public async Task<CallToolResult> CallAsync(string tool, Dictionary<string, object?>? arguments = null) =>
        await Client.CallToolAsync(tool, arguments ?? []);

    /// <summary>Runs a cell and returns its text; fails the test when the result is an error.</summary>
    public async Task<string> ExecuteAsync(string code)
    {
        var result = await CallAsync("execute_ipython_cell", new() { ["code"] = code });
        var text = TextOf(result);
        Assert.False(result.IsError == true, $"The cell failed:\n{text}");
        return text;
    }

    public static string TextOf(CallToolResult result) =>
        string.Join('\n', result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}

[CollectionDefinition(Name)]
public sealed class McpServerCollection : ICollectionFixture<McpServerFixture>
{
    public const string Name = "mcp server";
}
