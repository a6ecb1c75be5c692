using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// A sandbox container removed behind the library's back (<c>docker rm -f</c> without <c>-v</c>) leaves its <c>/app</c>
/// volume; <c>ipybox cleanup</c>'s library call and the next provider's start-up sweep remove it, and never a volume in use.
/// </summary>
public sealed class LeftoverVolumeTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public async Task DisposeAsync()
    {
        await DockerEngine.RemoveAllAsync(_runId);
        using var client = DockerEngine.CreateClient();
        foreach (var volume in await VolumesOfRunAsync())
        {
            await client.Volumes.RemoveAsync(volume, force: true);
        }
    }

    [Fact]
    public async Task The_volume_of_a_container_removed_by_hand_is_removed_by_the_cleanup()
    {
        await LeaveVolumeBehindAsync();
        var left = Assert.Single(await VolumesOfRunAsync());

        var listed = await ManagedContainers.ListLeftoverVolumesAsync(Filter());
        var removed = await ManagedContainers.RemoveLeftoverVolumesAsync(Filter());

        Assert.Equal([left], listed);
        Assert.Equal([left], removed);
        Assert.Empty(await VolumesOfRunAsync());
    }

    [Fact]
    public async Task The_next_providers_sweep_removes_a_leftover_volume_and_keeps_the_one_its_sandbox_uses()
    {
        await LeaveVolumeBehindAsync();
        var left = Assert.Single(await VolumesOfRunAsync());

        await using var sandbox = await new DockerSandboxProvider(Options()).CreateAsync();

        var now = await VolumesOfRunAsync();
        Assert.DoesNotContain(left, now);
        var inUse = Assert.Single(now);
        Assert.Equal("ok", (await sandbox.ExecuteAsync("open('/app/x', 'w').write('ok'); print(open('/app/x').read())")).Text);
        Assert.Empty(await ManagedContainers.ListLeftoverVolumesAsync(Filter()));
        Assert.Contains(inUse, await VolumesOfRunAsync());
    }

    private async Task LeaveVolumeBehindAsync()
    {
        await using var container = await ExecutionContainer.StartAsync(Options());
        using var client = DockerEngine.CreateClient();
        await client.Containers.RemoveContainerAsync(container.ContainerId!, new ContainerRemoveParameters { Force = true });
    }

    private async Task<List<string>> VolumesOfRunAsync()
    {
        using var client = DockerEngine.CreateClient();
        var found = await client.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DockerEngine.TestLabel}={_runId}"] = true } },
        });
        return [.. (found.Volumes ?? []).Select(v => v.Name)];
    }

    private ExecutionContainerOptions Options()
    {
        var options = new ExecutionContainerOptions { ReadOnlyRootFilesystem = true };
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
