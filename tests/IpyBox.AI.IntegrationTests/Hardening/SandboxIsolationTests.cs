using Docker.DotNet.Models;

namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// Sandboxes cannot reach each other: by default they share a network with traffic between its containers switched off.
/// Sandbox A's cell tries B's kernel server and a server B's own cell started, as an attacker would.
/// </summary>
public sealed class SandboxIsolationTests : IAsyncLifetime
{
    private const string Connect = """
        import socket
        def connect(host, port):
            s = socket.socket()
            s.settimeout(3)
            try:
                s.connect((host, port))
                return 'connected'
            except OSError as e:
                return type(e).__name__
            finally:
                s.close()
        """;

    private const string Serve = """
        import http.server, threading
        threading.Thread(target=http.server.ThreadingHTTPServer(('0.0.0.0', 8001), http.server.SimpleHTTPRequestHandler).serve_forever, daemon=True).start()
        """;

    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => DockerEngine.RemoveAllAsync(_runId);

    [Fact]
    public async Task A_sandbox_cannot_connect_to_another_sandbox_on_the_default_network()
    {
        var provider = new DockerSandboxProvider(Options(network: null));
        await using var a = await provider.CreateAsync();
        await using var b = await provider.CreateAsync();
        await b.ExecuteAsync(Serve);
        var address = await AddressAsync(b, SandboxNetwork.Name);
        await a.ExecuteAsync(Connect);

        var kernelServer = (await a.ExecuteAsync($"print(connect('{address}', 8888))")).Text;
        var cellServer = (await a.ExecuteAsync($"print(connect('{address}', 8001))")).Text;

        Assert.NotEqual("connected", kernelServer);
        Assert.NotEqual("connected", cellServer);
        Assert.Equal("connected", (await b.ExecuteAsync(Connect + "\nprint(connect('127.0.0.1', 8001))")).Text);
    }

    [Fact]
    public async Task Sandboxes_put_on_a_shared_network_by_choice_reach_each_other()
    {
        var provider = new DockerSandboxProvider(Options(network: "bridge"));
        await using var a = await provider.CreateAsync();
        await using var b = await provider.CreateAsync();
        await b.ExecuteAsync(Serve);
        var address = await AddressAsync(b, "bridge");
        await a.ExecuteAsync(Connect);

        Assert.Equal("connected", (await a.ExecuteAsync($"print(connect('{address}', 8001))")).Text);
    }

    private static async Task<string> AddressAsync(ISandbox sandbox, string network)
    {
        using var client = DockerEngine.CreateClient();
        var inspect = await client.Containers.InspectContainerAsync(sandbox.GetService<ExecutionContainer>()!.ContainerId!);
        return inspect.NetworkSettings!.Networks![network].IPAddress;
    }

    private ExecutionContainerOptions Options(string? network)
    {
        var options = new ExecutionContainerOptions { Network = network };
        options.Labels[DockerEngine.TestLabel] = _runId;
        return options;
    }
}
