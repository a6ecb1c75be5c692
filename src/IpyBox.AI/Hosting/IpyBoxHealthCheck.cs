using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IpyBox.AI;

/// <summary>
/// The health of what IpyBox.AI needs to start sandboxes, registered by <c>AddIpyBox</c> as the check <c>ipybox</c> (unless
/// <see cref="IpyBoxOptions.DisableHealthChecks"/> is set): when the provider's backend is a <see cref="DockerSandboxProvider"/>
/// (found through <c>GetService</c>, under any decorators), whether its engine answers (unhealthy when not) and whether it has
/// its image (degraded when not: the first sandbox then builds or pulls it, which takes minutes). Other providers have nothing
/// here to check and report healthy.
/// </summary>
public sealed class IpyBoxHealthCheck : IHealthCheck
{
    private static readonly TimeSpan s_engineTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The name and tag of the check that <c>AddIpyBox</c> registers.</summary>
    internal const string Name = "ipybox";

    private readonly ISandboxProvider _provider;

    /// <summary>Initializes a new instance of the <see cref="IpyBoxHealthCheck"/> class.</summary>
    /// <param name="provider">The provider sandboxes come from; its engine and image are the ones checked.</param>
    /// <exception cref="ArgumentNullException"><paramref name="provider"/> is <see langword="null"/>.</exception>
    public IpyBoxHealthCheck(ISandboxProvider provider)
    {
        _provider = Throw.IfNull(provider);
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var docker = _provider.GetService<DockerSandboxProvider>();
        if (docker is null)
        {
            return HealthCheckResult.Healthy($"Sandboxes come from {_provider.GetType().Name}; no Docker engine is used.");
        }

        var image = docker.Image;
        DockerEndpoint endpoint;
        try
        {
            endpoint = docker.ResolveEndpoint();
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
