using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace IpyBox.AI;

/// <summary>
/// The health of what IpyBox.AI needs to start sandboxes, registered by <c>AddIpyBox</c> as the check <c>ipybox</c>: for Docker
/// sandboxes, whether the engine answers (unhealthy when not) and whether it has the image (degraded when not: the first sandbox
/// then builds or pulls it, which takes minutes). Other providers have nothing here to check and report healthy.
/// </summary>
public sealed class IpyBoxHealthCheck : IHealthCheck
{
    private static readonly TimeSpan s_engineTimeout = TimeSpan.FromSeconds(10);

    private readonly ISandboxProvider _provider;
    private readonly IpyBoxOptions _options;

    /// <summary>Initializes a new instance of the <see cref="IpyBoxHealthCheck"/> class.</summary>
    /// <param name="provider">The provider sandboxes come from.</param>
    /// <param name="options">The options, whose container settings are used when the provider is not a Docker one.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public IpyBoxHealthCheck(ISandboxProvider provider, IOptions<IpyBoxOptions> options)
    {
        _provider = Throw.IfNull(provider);
        _options = Throw.IfNull(options).Value;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var docker = _provider.GetService<DockerSandboxProvider>();
        if (docker is null)
        {
            return HealthCheckResult.Healthy($"Sandboxes come from {_provider.GetType().Name}; no Docker engine is used.");
        }

        var containerOptions = docker.ContainerOptions;
        var image = containerOptions.Image ?? RuntimeImage.DefaultTag;
        DockerEndpoint endpoint;
        try
        {
            endpoint = DockerEndpoint.Resolve(containerOptions.DockerEndpoint);
        }
        catch (Exception ex) when (ex is DockerUnavailableException or ArgumentException)
        {
            return HealthCheckResult.Unhealthy(ex.Message, ex);
        }

        var data = new Dictionary<string, object> { ["engine"] = endpoint.ToString(), ["image"] = image };
        using var engine = new DockerOperations(endpoint, s_engineTimeout);
        try
        {
            await engine.PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DockerUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message, ex, data);
        }

        try
        {
            return await engine.InspectImageAsync(image, cancellationToken).ConfigureAwait(false) is null
                ? HealthCheckResult.Degraded($"The Docker engine at {endpoint} answers but has no image {image}; the first sandbox builds or pulls it, which takes minutes (run 'ipybox build' ahead).", data: data)
                : HealthCheckResult.Healthy($"The Docker engine at {endpoint} answers and has the image {image}.", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The Docker engine at {endpoint} could not inspect the image {image}: {ex.Message}", ex, data);
        }
    }
}
