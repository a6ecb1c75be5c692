using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using IpyBox.AI;

namespace Aspire.Hosting;

/// <summary>Adds a Jupyter Server of IpyBox.AI's runtime image to an Aspire AppHost.</summary>
public static class IpyBoxJupyterServerBuilderExtensions
{
    private const string KernelUser = "1000";
    private const string TmpfsFlags = "rw,nosuid,nodev";

    /// <summary>
    /// Adds a container of IpyBox.AI's runtime image (<see cref="RuntimeImage.DefaultTag"/>) running its Jupyter Server, with
    /// a token generated as a secret parameter (<c>{name}-token</c>) unless one is given. Before the container starts, the
    /// image is built from the context embedded in the library when the engine does not have it (never pulled). The
    /// container runs as the runtime image's sandboxes do: read-only root file system, no new privileges, no capabilities,
    /// 2 GiB of memory and no swap, at most 512 processes; <c>/app</c>, <c>/tmp</c>, the home and the package directory
    /// are size-limited tmpfs mounts, so its files are gone when it stops. Its health check asks the server's <c>/api</c>.
    /// </summary>
    /// <remarks>
    /// The server serves every kernel created on it, and the files under <c>/app</c> are shared by them: code in one
    /// kernel can read another's files, and it can read the token (the container's environment carries it). Use the Docker
    /// backend where conversations must not reach each other.
    /// </remarks>
    /// <param name="builder">The AppHost's builder.</param>
    /// <param name="name">The resource's name, also the name of its connection string.</param>
    /// <param name="token">The token's parameter; <see langword="null"/> for a generated secret one.</param>
    /// <param name="port">The host port; <see langword="null"/> for a free one.</param>
    /// <returns>The resource's builder.</returns>
    public static IResourceBuilder<IpyBoxJupyterServerResource> AddIpyBoxJupyterServer(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource>? token = null,
        int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var tokenParameter = token?.Resource
            ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-token", special: false);
        var server = new IpyBoxJupyterServerResource(name, tokenParameter);
        var image = RuntimeImage.DefaultTag;
        var tag = image[(image.IndexOf(':', StringComparison.Ordinal) + 1)..];

        return builder.AddResource(server)
            .WithImage(RuntimeImage.Repository, tag)
            .WithImagePullPolicy(ImagePullPolicy.Never)
            .WithHttpEndpoint(port: port, targetPort: IpyBoxJupyterServerResource.TargetPort, name: IpyBoxJupyterServerResource.EndpointName)
            // Read by the image's entrypoint, which takes it out of the environment before the server starts.
            .WithEnvironment("IPYBOX_TOKEN", tokenParameter)
            .WithContainerRuntimeArgs(RuntimeArguments(new ExecutionContainerOptions()))
            .WithHttpHealthCheck("/api", endpointName: IpyBoxJupyterServerResource.EndpointName)
            .OnBeforeResourceStarted(static async (_, _, cancellationToken) =>
                await RuntimeImage.EnsureAvailableAsync(cancellationToken: cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The engine's settings of a sandbox container, as <c>docker run</c> arguments, from the library's defaults.</summary>
    private static string[] RuntimeArguments(ExecutionContainerOptions defaults)
    {
        var memory = (defaults.MemoryLimitBytes ?? 2L << 30).ToString(CultureInfo.InvariantCulture);
        var scratch = $"size={defaults.ScratchSizeLimitBytes.ToString(CultureInfo.InvariantCulture)}";
        var app = $"size={(defaults.AppSizeLimitBytes ?? 1L << 30).ToString(CultureInfo.InvariantCulture)}";
        var owner = $"uid={KernelUser},gid={KernelUser}";
        return
        [
            "--read-only",
            "--security-opt", "no-new-privileges",
            "--cap-drop", "ALL",
            "--init",
            "--memory", memory,
            "--memory-swap", memory,
            "--pids-limit", (defaults.PidsLimit ?? 512).ToString(CultureInfo.InvariantCulture),
            "--log-opt", "max-size=1m",
            "--log-opt", "max-file=2",
            "--tmpfs", $"/app:{TmpfsFlags},{app},{owner},mode=0755",
            "--tmpfs", $"/tmp:{TmpfsFlags},{scratch}",
            "--tmpfs", $"/home/ipybox:{TmpfsFlags},{scratch},{owner},mode=0700",
            "--tmpfs", $"/opt/venv/user:{TmpfsFlags},{scratch},{owner},mode=0755",
        ];
    }
}
