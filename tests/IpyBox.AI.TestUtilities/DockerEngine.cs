using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI.TestUtilities;

/// <summary>
/// Direct access to the Docker engine the tests run against: to check that one answers, and to inspect and clean up what
/// the tests caused. Tests find their own containers by <see cref="TestLabel"/> and never touch others.
/// </summary>
public static class DockerEngine
{
    /// <summary>The label key the tests put on every container they cause, with a unique value per test run (<see cref="NewRunId"/>).</summary>
    public const string TestLabel = "ai.ipybox.test-run";

    /// <summary>Creates a client for the engine the library would find by default, or for <paramref name="endpoint"/>.</summary>
    public static IDockerClient CreateClient(Uri? endpoint = null) =>
        endpoint is null ? new DockerClientBuilder().Build() : new DockerClientBuilder().WithEndpoint(endpoint).Build();

    /// <summary>Throws with instructions when no engine answers: Docker tests fail, they are never skipped.</summary>
    public static async Task EnsureAvailableAsync(Uri? endpoint = null)
    {
        using var client = CreateClient(endpoint);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.System.PingAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"These tests need a Docker engine and none answers at {client.Options.Endpoint}. " +
                "Run 'eng/prepare-docker.sh' (Debian; add --tcp to also listen on tcp://127.0.0.1:2375) or start Docker, " +
                "then run the tests again.",
                ex);
        }
    }

    /// <summary>Returns a new value for <see cref="TestLabel"/>, unique to one test or fixture.</summary>
    public static string NewRunId() => Guid.NewGuid().ToString("N")[..16];

    public static async Task<bool> ContainerExistsAsync(string id)
    {
        using var client = CreateClient();
        try
        {
            await client.Containers.InspectContainerAsync(id);
            return true;
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Kills a container the way a crash would (SIGKILL), leaving its removal to the code under test.</summary>
    public static async Task KillAsync(string id)
    {
        using var client = CreateClient();
        await client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "SIGKILL" });
    }

    /// <summary>
    /// Starts <paramref name="command"/> as root with <c>CAP_SYS_PTRACE</c> in a helper container of <paramref name="image"/>
    /// that shares the processes and the network of container <paramref name="id"/>, and returns without waiting: it stands
    /// for code that got past every defence inside that sandbox, to test what the host does when even that happens. The
    /// helper ends with the sandbox and is removed by the engine.
    /// </summary>
    public static async Task StartInsideAsync(string id, string image, params string[] command)
    {
        using var client = CreateClient();
        var helper = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            User = "root",
            Entrypoint = command,
            Labels = new Dictionary<string, string> { [TestLabel] = "inside-" + id[..12] },
            HostConfig = new HostConfig
            {
                PidMode = $"container:{id}",
                NetworkMode = $"container:{id}",
                CapDrop = ["ALL"],
                CapAdd = ["SYS_PTRACE"],
                AutoRemove = true,
            },
        });
        await client.Containers.StartContainerAsync(helper.ID, new ContainerStartParameters());
    }

    /// <summary>Lists the containers, running or not, that carry the label <paramref name="label"/>=<paramref name="value"/>.</summary>
    public static async Task<IList<ContainerListResponse>> ListAsync(string label, string value)
    {
        using var client = CreateClient();
        return await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{label}={value}"] = true } },
        });
    }

    /// <summary>Lists the names of the volumes that carry the label <paramref name="label"/>=<paramref name="value"/>.</summary>
    public static async Task<IReadOnlyList<string>> ListVolumesAsync(string label, string value)
    {
        using var client = CreateClient();
        var volumes = await client.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{label}={value}"] = true } },
        });
        return [.. (volumes.Volumes ?? []).Select(volume => volume.Name)];
    }

    /// <summary>Waits until containers of the run are present (or gone), or the deadline passes, and returns the containers found.</summary>
    public static async Task<IList<ContainerListResponse>> WaitForAsync(string runId, bool present, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var found = await ListAsync(TestLabel, runId);
            if ((found.Count > 0) == present || DateTime.UtcNow > until)
            {
                return found;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Removes every container of a test run: the backstop when a test fails before the code under test cleaned up.</summary>
    public static async Task RemoveAllAsync(string runId)
    {
        using var client = CreateClient();
        foreach (var container in await ListAsync(TestLabel, runId))
        {
            try
            {
                await client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
            }
            catch (DockerContainerNotFoundException)
            {
            }
        }
    }
}
