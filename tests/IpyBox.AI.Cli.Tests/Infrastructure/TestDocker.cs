using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI.Cli.Tests;

/// <summary>Direct access to the engine, to check and clean up what the tests' processes created (found by a per-test label).</summary>
public static class TestDocker
{
    /// <summary>The label key the tests put on every container they cause, with a unique value per test.</summary>
    public const string TestLabel = "ai.ipybox.test-run";

    public static IDockerClient CreateClient() => new DockerClientBuilder().Build();

    /// <summary>Throws with instructions when no engine answers: Docker tests are never skipped.</summary>
    public static async Task EnsureAvailableAsync()
    {
        using var client = CreateClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.System.PingAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"These tests need a Docker engine and none answers at {client.Options.Endpoint}. Run 'eng/prepare-docker.sh' (Debian) or start Docker.", ex);
        }
    }

    public static string NewRunId() => Guid.NewGuid().ToString("N")[..16];

    public static async Task<IList<ContainerListResponse>> ListAsync(string label, string value)
    {
        using var client = CreateClient();
        return await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{label}={value}"] = true } },
        });
    }

    /// <summary>Waits until a container with the label exists (or the deadline passes) and returns the containers found.</summary>
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

    /// <summary>Removes every container of a test run: the backstop when a test fails before its process cleaned up.</summary>
    public static async Task RemoveAllAsync(string runId)
    {
        using var client = CreateClient();
        foreach (var container in await ListAsync(TestLabel, runId))
        {
            try
            {
                await client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
            }
            catch (DockerContainerNotFoundException)
            {
            }
        }
    }
}
