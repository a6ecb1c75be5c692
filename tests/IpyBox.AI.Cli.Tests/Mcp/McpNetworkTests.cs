using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace IpyBox.AI.Cli.Tests.Mcp;

/// <summary>
/// <c>--allowed-domain</c> and <c>--network none</c>. The only destination probed is a TCP listener of this test on the
/// host, reached through the default bridge's gateway address; nothing outside this machine is contacted.
/// </summary>
public sealed class McpNetworkTests : IAsyncLifetime, IDisposable
{
    private readonly string _runId = DockerEngine.NewRunId();
    private readonly TcpListener _listener = new(IPAddress.Any, 0);
    private string _gateway = string.Empty;

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        using var client = DockerEngine.CreateClient();
        var bridge = await client.Networks.InspectNetworkAsync("bridge");
        _gateway = bridge.IPAM.Config.Select(c => c.Gateway).FirstOrDefault(g => IPAddress.TryParse(g, out var a) && a.AddressFamily == AddressFamily.InterNetwork)
            ?? BridgeInterfaceAddress(bridge.Options.TryGetValue("com.docker.network.bridge.name", out var name) ? name : "docker0");
        _listener.Start();
        _ = AcceptForeverAsync();
    }

    public async Task DisposeAsync()
    {
        _listener.Stop();
        await DockerEngine.RemoveAllAsync(_runId);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task The_firewall_lets_through_only_the_allowed_destinations_and_none_cuts_everything()
    {
        // Three servers side by side: the host allowed, only another address allowed, no network at all.
        var results = await Task.WhenAll(
            ProbeAsync("--allowed-domain", $"{_gateway}/32"),
            ProbeAsync("--allowed-domain", "192.0.2.1"),
            ProbeAsync("--network", "none"));

        Assert.Equal("reachable", results[0]);
        Assert.StartsWith("blocked", results[1], StringComparison.Ordinal);
        Assert.StartsWith("blocked", results[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Network_none_and_allowed_domains_exclude_each_other()
    {
        var run = await IpyBoxTool.RunAsync(["mcp", "--network", "none", "--allowed-domain", "192.0.2.1"], stdin: string.Empty);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("exclude each other", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }

    private async Task<string> ProbeAsync(params string[] arguments)
    {
        var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var client = await McpServerFixture.StartAsync(_runId, stderr, arguments);
        await using (client)
        {
            var code = string.Create(CultureInfo.InvariantCulture, $$"""
                import socket
                try:
                    socket.create_connection(("{{_gateway}}", {{Port}}), timeout=3).close()
                    print("reachable")
                except OSError as error:
                    print("blocked:", error)
                """);
            var result = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = code });
            var text = McpServerFixture.TextOf(result).Trim();
            Assert.False(result.IsError == true, $"{text}\n--- server log ---\n{string.Join('\n', stderr)}");
            return text;
        }
    }

    /// <summary>The host's address on the bridge (the engine leaves the default bridge's gateway out of its IPAM data).</summary>
    private static string BridgeInterfaceAddress(string name) =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Single(i => i.Name == name)
            .GetIPProperties().UnicastAddresses
            .First(a => a.Address.AddressFamily == AddressFamily.InterNetwork).Address.ToString();

    private async Task AcceptForeverAsync()
    {
        try
        {
            while (true)
            {
                using var connection = await _listener.AcceptTcpClientAsync();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The listener was stopped.
        }
    }
}
