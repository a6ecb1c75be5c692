using Docker.DotNet.Models;

namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// What the durable-sandbox tests share: a run id on every container they make, providers that label with it (each stands
/// for a process of its own: nothing but the engine is shared between two of them), and a check that a run left nothing.
/// </summary>
public sealed class DurableSandboxFixture : IAsyncLifetime
{
    public string RunId { get; } = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public async Task DisposeAsync()
    {
        await DockerEngine.RemoveAllAsync(RunId);
        using var docker = DockerEngine.CreateClient();
        foreach (var volume in await VolumesAsync())
        {
            await docker.Volumes.RemoveAsync(volume, force: true);
        }
    }

    /// <summary>A provider as a separate process would make it: its own objects, the same engine and labels.</summary>
    public DockerSandboxProvider NewProvider(Action<ExecutionContainerOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new ExecutionContainerOptions();
        options.Labels[DockerEngine.TestLabel] = RunId;
        if (time is not null)
        {
            options.TimeProvider = time;
        }

        configure?.Invoke(options);
        return new DockerSandboxProvider(options);
    }

    /// <summary>The names of the volumes of this run's containers that still exist.</summary>
    public async Task<IReadOnlyList<string>> VolumesAsync()
    {
        using var docker = DockerEngine.CreateClient();
        var found = await docker.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DockerEngine.TestLabel}={RunId}"] = true } },
        });
        return [.. (found.Volumes ?? []).Select(v => v.Name)];
    }
}

[CollectionDefinition(Name)]
public sealed class DurableSandboxCollection : ICollectionFixture<DurableSandboxFixture>
{
    public const string Name = "durable sandboxes";
}
