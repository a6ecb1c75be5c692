using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// A private test network: a user-defined Docker network with three small HTTP servers in different /24s
/// (alpha 10.N.1.10, beta 10.N.2.10, gamma 10.N.3.10), reachable by name through Docker's embedded DNS, and
/// also by IPv6 (a unique local fd42:M::/64 range; alpha is fd42:M::a).
/// Nothing here talks to the internet; everything is removed in <see cref="DisposeAsync"/>, also after failures.
/// </summary>
public sealed class FirewallTopology : IAsyncLifetime
{
    /// <summary>Python that defines <c>probe(host)</c> (the served id of a reachable server, else the name of the error, e.g. ConnectionRefusedError) and <c>resolves(name)</c>.</summary>
    public const string ProbeDefinition = """
        import urllib.request, socket
        def probe(host):
            try:
                with urllib.request.urlopen(f'http://{host}:8000/id.txt', timeout=5) as response:
                    return response.read().decode()
            except Exception as e:
                reason = getattr(e, 'reason', e)
                return type(reason).__name__
        def resolves(name):
            try:
                socket.gethostbyname(name)
                return True
            except OSError:
                return False
        """;

    public const int ServerPort = 8000;

    private readonly List<string> _servers = [];
    private IDockerClient? _docker;

    public string Network { get; } = "ipybox-fw-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Gets the first two octets of the network's 10.N.0.0/16 range.</summary>
    public string Prefix { get; private set; } = string.Empty;

    /// <summary>Gets the network's IPv6 /64 prefix, e.g. <c>fd42:1a2b:</c> (append the host part after a colon).</summary>
    public string Ipv6Prefix { get; } = $"fd42:{RandomNumberGenerator.GetInt32(1, 0xffff):x}:";

    public string Ipv6Address(string server) => server switch
    {
        "alpha" => $"{Ipv6Prefix}:a",
        "beta" => $"{Ipv6Prefix}:b",
        "gamma" => $"{Ipv6Prefix}:c",
        _ => throw new ArgumentOutOfRangeException(nameof(server)),
    };

    public string Address(string server) => server switch
    {
        "alpha" => $"{Prefix}.1.10",
        "beta" => $"{Prefix}.2.10",
        "gamma" => $"{Prefix}.3.10",
        _ => throw new ArgumentOutOfRangeException(nameof(server)),
    };

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        _docker = DockerEngine.CreateClient();

        // The runtime image must exist before it can serve HTTP: a first sandbox builds it when missing.
        await using (await ExecutionContainer.StartAsync())
        {
        }

        await CreateNetworkAsync();
        foreach (var name in new[] { "alpha", "beta", "gamma" })
        {
            await StartServerAsync(name);
        }
    }

    public async Task DisposeAsync()
    {
        if (_docker is null)
        {
            return;
        }

        foreach (var id in _servers)
        {
            try
            {
                await _docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
            }
            catch (DockerContainerNotFoundException)
            {
            }
        }

        try
        {
            await _docker.Networks.DeleteNetworkAsync(Network);
        }
        catch (DockerNetworkNotFoundException)
        {
        }

        _docker.Dispose();
    }

    /// <summary>Creates a sandbox on the test network whose DNS never leaves it (unknown names go to loopback and fail).</summary>
    public ExecutionContainerOptions SandboxOptions()
    {
        var options = new ExecutionContainerOptions { Network = Network };
        options.DnsServers.Add("127.0.0.1");
        return options;
    }

    private async Task CreateNetworkAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            Prefix = $"10.{RandomNumberGenerator.GetInt32(160, 250)}";
            try
            {
                await _docker!.Networks.CreateNetworkAsync(new NetworksCreateParameters
                {
                    Name = Network,
                    Driver = "bridge",
                    EnableIPv6 = true,
                    Labels = new Dictionary<string, string> { [ContainerLabels.Managed] = "true" },
                    IPAM = new IPAM
                    {
                        Config =
                        [
                            new IPAMConfig { Subnet = $"{Prefix}.0.0/16", Gateway = $"{Prefix}.0.1" },
                            new IPAMConfig { Subnet = $"{Ipv6Prefix}:/64", Gateway = $"{Ipv6Prefix}:1" },
                        ],
                    },
                });
                return;
            }
            catch (DockerApiException ex) when (attempt < 10 && ex.ResponseBody?.Contains("overlap", StringComparison.OrdinalIgnoreCase) == true)
            {
                // Another network uses this range: pick another.
            }
        }
    }

    private async Task StartServerAsync(string name)
    {
        var created = await _docker!.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = RuntimeImage.DefaultTag,
            Name = $"{Network}-{name}",
            // Dual stack: an IPv6 socket on '::' also accepts IPv4.
            Entrypoint = ["python3", "-c", $$"""
                import http.server, os, socket
                os.chdir('/tmp')
                open('id.txt', 'w').write('{{name}}')
                class Server(http.server.ThreadingHTTPServer):
                    address_family = socket.AF_INET6
                Server(('::', {{ServerPort}}), http.server.SimpleHTTPRequestHandler).serve_forever()
                """],
            Labels = new Dictionary<string, string> { [ContainerLabels.Managed] = "true" },
            HostConfig = new HostConfig { NetworkMode = Network, CapDrop = ["ALL"], SecurityOpt = ["no-new-privileges"] },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [Network] = new EndpointSettings
                    {
                        IPAMConfig = new EndpointIPAMConfig { IPv4Address = Address(name), IPv6Address = Ipv6Address(name) },
                        Aliases = [name],
                    },
                },
            },
        });
        _servers.Add(created.ID);
        await _docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
    }
}
