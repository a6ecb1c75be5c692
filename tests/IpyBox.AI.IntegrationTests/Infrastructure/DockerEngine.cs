using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI.IntegrationTests;

/// <summary>Access to the Docker engine the tests run against; fails loudly when none answers.</summary>
public static class DockerEngine
{
    public static IDockerClient CreateClient() => new DockerClientBuilder().Build();

    /// <summary>Throws with instructions when no engine answers: Docker tests are never skipped.</summary>
    public static async Task EnsureAvailableAsync(Uri? endpoint = null)
    {
        using var client = endpoint is null ? CreateClient() : new DockerClientBuilder().WithEndpoint(endpoint).Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.System.PingAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"These tests need a Docker engine and none answers at {client.Options.Endpoint}. Run 'eng/prepare-docker.sh' (Debian; add --tcp for tcp://127.0.0.1:2375) or start Docker.", ex);
        }
    }

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

    public static async Task KillAsync(string id)
    {
        using var client = CreateClient();
        await client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "SIGKILL" });
    }
}
