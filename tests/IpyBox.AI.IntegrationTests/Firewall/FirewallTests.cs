using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace IpyBox.AI.IntegrationTests;

/// <summary>The outbound firewall against the private topology of <see cref="FirewallTopology"/>.</summary>
public sealed class FirewallTests(FirewallTopology topology) : IClassFixture<FirewallTopology>
{
    [Fact]
    public async Task Only_allowed_names_addresses_and_ranges_are_reachable_and_a_new_call_replaces_the_rules()
    {
        await using var container = await ExecutionContainer.StartAsync(topology.SandboxOptions());
        await using var client = container.CreateClient();
        await client.ConnectAsync();
        await client.ExecuteAsync(FirewallTopology.ProbeDefinition);

        // Open before the firewall, by name and by address.
        Assert.Equal("alpha beta gamma", await ProbeAsync(client, "alpha", "beta", topology.Address("gamma")));

        // A name (through Docker's DNS) and an address; a name that does not resolve is a warning, not a failure.
        var result = await container.InitFirewallAsync(["alpha", topology.Address("beta"), "no-such-host.invalid"]);
        Assert.Contains(result.Allowed, a => a.StartsWith("alpha", StringComparison.Ordinal) && a.Contains(topology.Address("alpha"), StringComparison.Ordinal));
        Assert.Contains(topology.Address("beta"), result.Allowed);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("no-such-host.invalid", warning);
        Assert.Equal("alpha beta ConnectionRefusedError", await ProbeAsync(client, "alpha", "beta", "gamma"));
        Assert.Equal("True", (await client.ExecuteAsync("print(resolves('gamma'))")).Text);

        // Again, with a CIDR range: replaces the previous rules.
        result = await container.InitFirewallAsync([$"{topology.Prefix}.3.0/24"]);
        Assert.Empty(result.Warnings);
        Assert.Equal("ConnectionRefusedError ConnectionRefusedError gamma", await ProbeAsync(client, "alpha", "beta", "gamma"));

        // Empty: everything outbound is blocked, DNS still answers, and the kernel server keeps working.
        await container.InitFirewallAsync([]);
        Assert.Equal("ConnectionRefusedError ConnectionRefusedError ConnectionRefusedError", await ProbeAsync(client, "alpha", "beta", "gamma"));
        Assert.Equal("True", (await client.ExecuteAsync("print(resolves('alpha'))")).Text);
        await using var second = container.CreateClient();
        await second.ConnectAsync();
        Assert.Equal("2", (await second.ExecuteAsync("print(1 + 1)")).Text);
    }

    [Fact]
    public async Task The_kernel_user_cannot_undo_the_firewall()
    {
        await using var container = await ExecutionContainer.StartAsync(topology.SandboxOptions());
        await using var client = container.CreateClient();
        await client.ConnectAsync();
        await client.ExecuteAsync(FirewallTopology.ProbeDefinition);
        await container.InitFirewallAsync(["alpha"]);

        var attempt = await client.ExecuteAsync("""
            import subprocess
            for command in (['iptables', '-F', 'OUTPUT'], ['iptables', '-P', 'OUTPUT', 'ACCEPT'], ['ip6tables', '-F'], ['ipset', 'flush', 'ipybox-allowed'], ['ipset', 'add', 'ipybox-allowed', '0.0.0.0/1']):
                print(subprocess.run(command, capture_output=True).returncode != 0)
            """);
        Assert.Equal("True\nTrue\nTrue\nTrue\nTrue", attempt.Text);
        var bang = await client.ExecuteAsync("!iptables -F OUTPUT; echo exit=$?");
        Assert.Contains("Permission denied", bang.Text);
        Assert.DoesNotContain("exit=0", bang.Text);

        Assert.Equal("alpha ConnectionRefusedError", await ProbeAsync(client, "alpha", "beta"));
    }

    [Fact]
    public async Task IPv6_egress_is_blocked_even_to_a_server_allowed_over_IPv4()
    {
        await using var container = await ExecutionContainer.StartAsync(topology.SandboxOptions());
        await using var client = container.CreateClient();
        await client.ConnectAsync();
        await client.ExecuteAsync(FirewallTopology.ProbeDefinition);
        var alpha6 = $"[{topology.Ipv6Address("alpha")}]";
        Assert.Equal("alpha alpha", await ProbeAsync(client, topology.Address("alpha"), alpha6));

        await container.InitFirewallAsync([topology.Address("alpha")]);

        Assert.Equal("alpha ConnectionRefusedError", await ProbeAsync(client, topology.Address("alpha"), alpha6));
    }

    [Fact]
    public async Task DisableNetwork_starts_a_sandbox_without_any_outbound_traffic_or_DNS()
    {
        var options = topology.SandboxOptions();
        options.DisableNetwork = true;
        await using var container = await ExecutionContainer.StartAsync(options);
        await using var client = container.CreateClient();
        await client.ConnectAsync();
        await client.ExecuteAsync(FirewallTopology.ProbeDefinition);

        Assert.Equal("ConnectionRefusedError ConnectionRefusedError", await ProbeAsync(client, topology.Address("alpha"), $"[{topology.Ipv6Address("alpha")}]"));
        Assert.Equal("False", (await client.ExecuteAsync("print(resolves('alpha'))")).Text);
        Assert.Equal("x", (await client.ExecuteAsync("print('x')")).Text);

        // Loopback inside the sandbox still works.
        var loopback = await client.ExecuteAsync("""
            import socket
            server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen()
            client = socket.create_connection(server.getsockname(), timeout=5)
            print('loopback ok'); client.close(); server.close()
            """);
        Assert.Equal("loopback ok", loopback.Text);
    }

    [Fact]
    public async Task The_allow_list_set_through_AddIpyBox_holds_from_the_first_cell_an_AI_tool_runs()
    {
        var services = new ServiceCollection();
        services.AddIpyBox(options =>
        {
            options.Container = topology.SandboxOptions();
            options.Container.FirewallAllowList.Add("alpha");
        });
        var provider = services.BuildServiceProvider();
        string containerId;
        try
        {
            var execute = provider.GetRequiredService<IpyBoxPlugin>().AsAIFunctions().Single(f => f.Name == "execute_python");
            string probed;
            using (IpyBoxConversation.Begin("firewalled"))
            {
                // The definition and the probes are the sandbox's first cell.
                var result = await execute.InvokeAsync(new AIFunctionArguments { ["code"] = $"{FirewallTopology.ProbeDefinition}\nprint(probe('alpha'), probe('beta'))" });
                probed = string.Join('\n', ((IEnumerable<AIContent>)result!).OfType<TextContent>().Select(t => t.Text));
            }

            Assert.Equal("alpha ConnectionRefusedError", probed);
            var session = Assert.Single(provider.GetRequiredService<SandboxSessionManager>().Sessions);
            containerId = session.SandboxId;
            var firewall = session.Sandbox.GetService<ExecutionContainer>()?.Firewall;
            Assert.NotNull(firewall);
            Assert.Contains(firewall.Allowed, a => a.StartsWith("alpha", StringComparison.Ordinal) && a.Contains(topology.Address("alpha"), StringComparison.Ordinal));
        }
        finally
        {
            await provider.DisposeAsync();
        }

        Assert.False(await DockerEngine.ContainerExistsAsync(containerId));
    }

    [Fact]
    public async Task A_durable_sandbox_keeps_its_creation_rules_across_stop_and_resume_and_refuses_rules_that_a_stop_would_lose()
    {
        var options = topology.SandboxOptions();
        options.FirewallAllowList.Add("alpha");
        var provider = new DockerSandboxProvider(options);
        var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = TimeSpan.FromMinutes(10) });
        var id = sandbox.Id;
        try
        {
            // Rules set later would hold only until the next stop: refused, and the creation's rules stay in force.
            var container = sandbox.GetService<ExecutionContainer>()!;
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => container.InitFirewallAsync(["alpha", "beta"]));
            Assert.Contains("FirewallAllowList", refused.Message);
            await sandbox.ExecuteAsync(FirewallTopology.ProbeDefinition);
            Assert.Equal("alpha ConnectionRefusedError", (await sandbox.ExecuteAsync("print(probe('alpha'), probe('beta'))")).Text);
            await sandbox.DisposeAsync();

            // A stop ends the network namespace that held the rules; the start an attach makes puts them back before any kernel.
            await provider.Directory.StopAsync(id);
            sandbox = await provider.Directory.AttachAsync(id);
            await sandbox.ExecuteAsync(FirewallTopology.ProbeDefinition);
            Assert.Equal("alpha ConnectionRefusedError", (await sandbox.ExecuteAsync("print(probe('alpha'), probe('beta'))")).Text);
        }
        finally
        {
            await sandbox.DisposeAsync();
            await provider.Directory.DeleteAsync(id);
        }
    }

    [Fact]
    public async Task A_sandbox_without_the_firewall_reaches_every_server()
    {
        // The control case: the refusals above come from the firewall, not from the topology.
        await using var container = await ExecutionContainer.StartAsync(topology.SandboxOptions());
        await using var client = container.CreateClient();
        await client.ConnectAsync();
        await client.ExecuteAsync(FirewallTopology.ProbeDefinition);
        Assert.Equal("alpha beta gamma", await ProbeAsync(client, topology.Address("alpha"), "beta", $"[{topology.Ipv6Address("gamma")}]"));
    }

    [Theory]
    [InlineData("http://example.com")]
    [InlineData("example.com:443")]
    [InlineData("::1")]
    [InlineData("2001:db8::/32")]
    [InlineData("10.0.0.0/33")]
    [InlineData("-rf")]
    [InlineData(" ")]
    public async Task Invalid_entries_are_refused_before_anything_changes(string entry)
    {
        await using var container = new ExecutionContainer();
        await Assert.ThrowsAsync<ArgumentException>(() => container.InitFirewallAsync([entry]));
    }

    [Fact]
    public async Task A_root_image_gets_a_clear_error()
    {
        await using var image = await ThrowawayImage.BuildAsync("root", $"FROM {RuntimeImage.DefaultTag}\nUSER root\nCMD [\"--allow-root\"]\n");
        await using (var container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { Image = image.Tag }))
        {
            var error = await Assert.ThrowsAsync<FirewallException>(() => container.InitFirewallAsync(["alpha"]));
            Assert.Contains("root", error.Message);
        }

        var disabled = new ExecutionContainer(new ExecutionContainerOptions { Image = image.Tag, DisableNetwork = true });
        await using (disabled)
        {
            await Assert.ThrowsAsync<FirewallException>(() => disabled.RunAsync());
            Assert.Null(disabled.ContainerId);
        }
    }

    [Fact]
    public async Task An_image_without_the_firewall_script_gets_a_clear_error_and_DisableNetwork_leaves_no_container()
    {
        await using var image = await ThrowawayImage.BuildAsync(
            "nofirewall", $"FROM {RuntimeImage.DefaultTag}\nUSER root\nRUN rm /usr/local/bin/init-firewall.sh\nUSER ipybox\n");
        await using (var container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { Image = image.Tag }))
        {
            var error = await Assert.ThrowsAsync<FirewallException>(() => container.InitFirewallAsync(["alpha"]));
            Assert.Contains("init-firewall.sh", error.Message);
        }

        var disabled = new ExecutionContainer(new ExecutionContainerOptions { Image = image.Tag, DisableNetwork = true });
        await using (disabled)
        {
            await Assert.ThrowsAsync<FirewallException>(() => disabled.RunAsync());
            Assert.Null(disabled.ContainerId);
        }

        using var docker = DockerEngine.CreateClient();
        var leftovers = await docker.Containers.ListContainersAsync(new Docker.DotNet.Models.ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["ancestor"] = new Dictionary<string, bool> { [image.Tag] = true } },
        });
        Assert.Empty(leftovers);
    }

    private static async Task<string?> ProbeAsync(ExecutionClient client, params string[] hosts)
    {
        var calls = string.Join(", ", hosts.Select(h => $"probe('{h}')"));
        return (await client.ExecuteAsync($"print({calls})")).Text;
    }
}
