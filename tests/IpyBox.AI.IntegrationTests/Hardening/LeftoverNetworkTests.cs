using Docker.DotNet.Models;

namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// Networks of the library that nothing needs (a duplicate of the sandbox network left by processes that raced to create it, a
/// network an earlier setup left) are removed by <c>ipybox cleanup</c>'s library call and the next provider's start-up sweep;
/// the sandbox network (the oldest of its name) and any network with a container are kept. A duplicate of the real
/// <c>ipybox-sandboxes</c> would stop every sandbox on this engine from starting, tests of other assemblies included, so the
/// duplicate in the first case is of a network of this test's own name, given to the same code as the name to keep, and its
/// networks carry this run's label instead of the library's, which the code is given as the label to select: the start-up
/// sweeps of other processes on this engine then leave them alone.
/// </summary>
public sealed class LeftoverNetworkTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public async Task DisposeAsync()
    {
        await DockerEngine.RemoveAllAsync(_runId);
        using var client = DockerEngine.CreateClient();
        foreach (var network in await NetworksOfRunAsync())
        {
            await client.Networks.DeleteNetworkAsync(network.ID);
        }

        foreach (var volume in (await client.Volumes.ListAsync(new VolumesListParameters { Filters = RunFilter() })).Volumes ?? [])
        {
            await client.Volumes.RemoveAsync(volume.Name, force: true);
        }
    }

    [Fact]
    public async Task Unused_networks_and_duplicates_are_removed_and_the_oldest_shared_network_and_a_network_in_use_are_kept()
    {
        var used = await CreateNetworkAsync($"ipybox-used-{_runId}", library: false);
        var options = Options();
        options.Network = $"ipybox-used-{_runId}";
        await using var container = await ExecutionContainer.StartAsync(options);
        var shared = $"ipybox-shared-{_runId}";
        var kept = await CreateNetworkAsync(shared, library: false);
        var duplicate = await CreateNetworkAsync(shared, library: false);
        var leftover = await CreateNetworkAsync($"ipybox-left-{_runId}", library: false);
        using var engine = new DockerOperations(DockerEndpoint.Resolve(null), TimeSpan.FromSeconds(100));
        string[] labels = [$"{DockerEngine.TestLabel}={_runId}"];

        var listed = await LeftoverNetworks.ListAsync(engine, labels, shared, CancellationToken.None);
        var removed = await LeftoverNetworks.RemoveAsync(engine, labels, shared, CancellationToken.None);

        Assert.Equal(new[] { duplicate, leftover }.Order(), listed.Order());
        Assert.Equal(new[] { duplicate, leftover }.Order(), removed.Order());
        var left = (await NetworksOfRunAsync()).Select(n => n.ID).ToList();
        Assert.Equal(new[] { used, kept }.Order(), left.Order());
        Assert.True(await DockerEngine.ContainerExistsAsync(container.ContainerId!));
    }

    [Fact]
    public async Task The_next_providers_sweep_removes_a_leftover_network_and_its_sandbox_starts_on_the_sandbox_network()
    {
        var leftover = await CreateNetworkAsync($"ipybox-left-{_runId}", library: true);

        await using var sandbox = await new DockerSandboxProvider(Options()).CreateAsync();

        Assert.DoesNotContain(leftover, (await NetworksOfRunAsync()).Select(n => n.ID));
        Assert.Equal("2", (await sandbox.ExecuteAsync("print(1 + 1)")).Text);
        using var client = DockerEngine.CreateClient();
        var inspected = await client.Containers.InspectContainerAsync(sandbox.GetService<ExecutionContainer>()!.ContainerId!);
        Assert.Contains(SandboxNetwork.Name, inspected.NetworkSettings!.Networks!.Keys);
    }

    [Fact]
    public async Task The_public_cleanup_keeps_the_sandbox_network_of_the_engine()
    {
        await using var sandbox = await new DockerSandboxProvider(Options()).CreateAsync();

        var removed = await ManagedContainers.RemoveLeftoverNetworksAsync(Filter());

        Assert.Empty(removed);
        using var client = DockerEngine.CreateClient();
        var networks = await client.Networks.ListNetworksAsync();
        Assert.Contains(networks, n => n.Name == SandboxNetwork.Name);
        Assert.Equal("2", (await sandbox.ExecuteAsync("print(1 + 1)")).Text);
    }

    /// <summary>Creates a network with this run's label and, when <paramref name="library"/>, the library's.</summary>
    private async Task<string> CreateNetworkAsync(string name, bool library)
    {
        using var client = DockerEngine.CreateClient();
        var labels = new Dictionary<string, string> { [DockerEngine.TestLabel] = _runId };
        if (library)
        {
            labels[ContainerLabels.Managed] = "true";
        }

        var created = await client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = name, Driver = "bridge", Labels = labels });
        return created.ID;
    }

    private async Task<IList<NetworkResponse>> NetworksOfRunAsync()
    {
        using var client = DockerEngine.CreateClient();
        return await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = RunFilter() });
    }

    private Dictionary<string, IDictionary<string, bool>> RunFilter() =>
        new() { ["label"] = new Dictionary<string, bool> { [$"{DockerEngine.TestLabel}={_runId}"] = true } };

    private ExecutionContainerOptions Options()
    {
        var options = new ExecutionContainerOptions();
        options.Labels[DockerEngine.TestLabel] = _runId;
        return options;
    }

    private ManagedContainerFilter Filter()
    {
        var filter = new ManagedContainerFilter();
        filter.Labels[DockerEngine.TestLabel] = _runId;
        return filter;
    }
}
