using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace IpyBox.AI.Cli.Tests;

/// <summary>
/// One <c>ipybox serve</c> process on 127.0.0.1 and a free port, started the way an operator starts it, with the tokens of
/// <see cref="Tokens"/> in <c>IPYBOX_SERVE_TOKENS</c> and the test run's label on every sandbox; killed when disposed (its
/// sandboxes are durable and stay: the test removes them).
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    /// <summary>The principals every test server knows, with their tokens.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tokens = new Dictionary<string, string>
    {
        ["alice"] = "alice-token-0123456789abcdef",
        ["bob"] = "bob-token-fedcba9876543210",
    };

    private readonly ServerProcess _process;

    private ServeProcess(ServerProcess process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    /// <summary>Gets the MCP endpoint, <c>http://127.0.0.1:PORT/mcp</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets what the server wrote so far (stderr and stdout).</summary>
    public string Stderr => _process.Output;

    /// <summary>Starts a server with the tokens of <see cref="Tokens"/> and waits until <c>/healthz</c> answers.</summary>
    public static Task<ServeProcess> StartAsync(string runId, params string[] arguments) => StartAsync(runId, withTokens: true, arguments);

    /// <summary>Starts a server, with or without tokens, and waits until <c>/healthz</c> answers.</summary>
    public static Task<ServeProcess> StartAsync(string runId, bool withTokens, params string[] arguments) =>
        StartAsync(runId, withTokens, environment: null, arguments);

    /// <summary>Starts a server with extra environment variables, with or without tokens, and waits until <c>/healthz</c> answers.</summary>
    public static async Task<ServeProcess> StartAsync(string runId, bool withTokens, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo(IpyBoxTool.DotnetPath);
        foreach (var argument in IpyBoxTool.Arguments(["serve", "--urls", $"http://127.0.0.1:{port}", "--label", $"{DockerEngine.TestLabel}={runId}", .. arguments]))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["IPYBOX_SERVE_TOKENS"] = withTokens ? string.Join(';', Tokens.Select(t => $"{t.Key}: {t.Value}")) : null;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var endpoint = new Uri($"http://127.0.0.1:{port}/mcp");
        return new ServeProcess(await ServerProcess.StartAsync("ipybox serve", start, new Uri(endpoint, "/healthz")), endpoint);
    }

    /// <summary>Connects the MCP C# SDK's HTTP client as <paramref name="principal"/>.</summary>
    public Task<McpClient> ConnectAsync(string principal) => ConnectWithTokenAsync(Tokens[principal]);

    /// <summary>Connects the MCP C# SDK's HTTP client with a bearer token, or none.</summary>
    public Task<McpClient> ConnectWithTokenAsync(string? token) =>
        McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = Endpoint,
            AdditionalHeaders = token is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
        }));

    /// <summary>Sends SIGTERM to the server, as a service manager stopping it does.</summary>
    public Task TerminateAsync() => _process.TerminateAsync();

    /// <summary>Waits for the server to exit and returns its exit code.</summary>
    public Task<int> WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>Calls a tool and returns its result.</summary>
    public static async Task<CallToolResult> CallAsync(McpClient client, string tool, Dictionary<string, object?>? arguments = null) =>
        await client.CallToolAsync(tool, arguments ?? []);

    /// <summary>Creates a sandbox and returns its id; fails the test when the result is an error.</summary>
    public static async Task<string> CreateSandboxAsync(McpClient client)
    {
        var result = await CallAsync(client, "create_sandbox");
        var text = TextOf(result);
        Assert.False(result.IsError == true, text);
        return SandboxId().Match(text) is { Success: true } match ? match.Value : throw new Xunit.Sdk.XunitException($"No sandbox id in:\n{text}");
    }

    /// <summary>Runs a cell and returns its text; fails the test when the result is an error.</summary>
    public static async Task<string> ExecuteAsync(McpClient client, string sandboxId, string code)
    {
        var result = await CallAsync(client, "execute_ipython_cell", new() { ["sandbox_id"] = sandboxId, ["code"] = code });
        var text = TextOf(result);
        Assert.False(result.IsError == true, $"The cell failed:\n{text}");
        return text;
    }

    public static string TextOf(CallToolResult result) =>
        string.Join('\n', result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    /// <summary>Creates a file in a sandbox's container from outside (an engine exec): a gate a waiting cell can see open.</summary>
    public static async Task TouchAsync(string containerId, string path)
    {
        using var docker = DockerEngine.CreateClient();
        var created = await docker.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters { Cmd = ["touch", path], AttachStdout = true, AttachStderr = true });
        using var stream = await docker.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters());
        await stream.ReadOutputToEndAsync(CancellationToken.None);
    }

    /// <summary>Deletes the run's sandboxes with their storage (volumes), then removes whatever containers are left.</summary>
    public static async Task RemoveSandboxesAsync(string runId)
    {
        var directory = new DockerSandboxProvider().Directory;
        foreach (var container in await DockerEngine.ListAsync(DockerEngine.TestLabel, runId))
        {
            await directory.DeleteAsync(container.ID);
        }

        await DockerEngine.RemoveAllAsync(runId);
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex SandboxId();
}
