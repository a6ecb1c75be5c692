namespace IpyBox.AI.IntegrationTests.Gvisor;

/// <summary>
/// The outbound firewall and <c>DisableNetwork</c> under gVisor, against the private topology of <see cref="FirewallTopology"/>:
/// gVisor runs with host networking inside the container's own network namespace, where the firewall's rules apply.
/// </summary>
public sealed class GvisorFirewallTests(FirewallTopology topology) : IClassFixture<FirewallTopology>
{
    [Fact]
    public async Task Only_allowed_destinations_are_reachable_and_the_kernel_user_cannot_undo_the_rules()
    {
        var options = SandboxOptions();
        options.FirewallAllowList.Add("alpha");
        await using var container = await ExecutionContainer.StartAsync(options);
        await using var client = await container.ConnectClientAsync();
        await client.ExecuteAsync(FirewallTopology.ProbeDefinition);

        Assert.Contains(container.Firewall!.Allowed, a => a.Contains(topology.Address("alpha"), StringComparison.Ordinal));
        Assert.Equal("alpha ConnectionRefusedError ConnectionRefusedError", await ProbeAsync(client, "alpha", "beta", topology.Address("gamma")));
        Assert.Equal("True", (await client.ExecuteAsync("print(resolves('gamma'))")).Text);

        var attempt = await client.ExecuteAsync("""
            import subprocess
            for command in (['iptables', '-F', 'OUTPUT'], ['iptables', '-P', 'OUTPUT', 'ACCEPT'], ['ipset', 'flush', 'ipybox-allowed']):
                print(subprocess.run(command, capture_output=True).returncode != 0)
            """);
        Assert.Equal("True\nTrue\nTrue", attempt.Text);
        Assert.Equal("alpha ConnectionRefusedError", await ProbeAsync(client, "alpha", "beta"));

        // A new call replaces the rules, as under the default runtime.
        await container.InitFirewallAsync([$"{topology.Prefix}.2.0/24"]);
        Assert.Equal("ConnectionRefusedError beta", await ProbeAsync(client, "alpha", "beta"));
    }

    [Fact]
    public async Task DisableNetwork_starts_a_sandbox_without_any_outbound_traffic_or_DNS()
    {
        var options = SandboxOptions();
        options.DisableNetwork = true;
        await using var container = await ExecutionContainer.StartAsync(options);
        await using var client = await container.ConnectClientAsync();
        await client.ExecuteAsync(FirewallTopology.ProbeDefinition);

        Assert.Equal("ConnectionRefusedError ConnectionRefusedError", await ProbeAsync(client, topology.Address("alpha"), $"[{topology.Ipv6Address("alpha")}]"));
        Assert.Equal("False", (await client.ExecuteAsync("print(resolves('alpha'))")).Text);
        var loopback = await client.ExecuteAsync("""
            import socket
            server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen()
            client = socket.create_connection(server.getsockname(), timeout=5)
            print('loopback ok'); client.close(); server.close()
            """);
        Assert.Equal("loopback ok", loopback.Text);
    }

    private ExecutionContainerOptions SandboxOptions()
    {
        var options = topology.SandboxOptions();
        options.Runtime = GvisorProviderFixture.Runtime;
        return options;
    }

    private static async Task<string?> ProbeAsync(ExecutionClient client, params string[] hosts)
    {
        var calls = string.Join(", ", hosts.Select(h => $"probe('{h}')"));
        return (await client.ExecuteAsync($"print({calls})")).Text;
    }
}
