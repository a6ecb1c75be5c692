using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IpyBox.AI.IntegrationTests;

/// <summary><see cref="IpyBoxHealthCheck"/> against the real engine: the engine and the image, as they are.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task The_engine_with_the_runtime_image_is_healthy()
    {
        await DockerEngine.EnsureAvailableAsync();
        await using (await ExecutionContainer.StartAsync())
        {
            // Starting a sandbox builds the runtime image when the engine does not have it yet.
        }

        var result = await CheckAsync(new ExecutionContainerOptions());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(RuntimeImage.DefaultTag, result.Data["image"]);
    }

    [Fact]
    public async Task An_engine_without_the_image_is_degraded()
    {
        await DockerEngine.EnsureAvailableAsync();

        var result = await CheckAsync(new ExecutionContainerOptions { Image = "ipybox-ai-health-check:missing" });

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("has no image ipybox-ai-health-check:missing", result.Description);
    }

    [Fact]
    public async Task No_engine_at_the_endpoint_is_unhealthy()
    {
        var result = await CheckAsync(new ExecutionContainerOptions { DockerEndpoint = new Uri("tcp://127.0.0.1:1") });

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("No Docker engine answers", result.Description);
    }

    private static Task<HealthCheckResult> CheckAsync(ExecutionContainerOptions container) =>
        new IpyBoxHealthCheck(new DockerSandboxProvider(container)).CheckHealthAsync(new HealthCheckContext());
}
