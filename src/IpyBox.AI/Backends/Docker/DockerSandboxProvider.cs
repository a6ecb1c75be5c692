using Docker.DotNet;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI;

/// <summary>
/// Creates sandboxes as Docker containers of the runtime image (or another image): one container and one kernel per
/// sandbox. The container carries the request's conversation key as the <see cref="ContainerLabels.Conversation"/> label.
/// </summary>
/// <example>
/// <code>
/// var provider = new DockerSandboxProvider(new ExecutionContainerOptions { MemoryLimitBytes = 1L &lt;&lt; 30 });
/// await using var sandbox = await provider.CreateAsync();
/// var result = await sandbox.ExecuteAsync("print(6 * 7)");
/// </code>
/// </example>
public sealed class DockerSandboxProvider : ISandboxProvider
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private Task? _orphanSweep;
    private DockerSandboxDirectory? _directory;
    private DockerSnapshots? _snapshots;

    /// <summary>Initializes a new instance of the <see cref="DockerSandboxProvider"/> class.</summary>
    /// <param name="containerOptions">The settings of every container; <see langword="null"/> for the defaults.</param>
    /// <param name="clientOptions">The settings of every kernel client; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public DockerSandboxProvider(ExecutionContainerOptions? containerOptions = null, ExecutionClientOptions? clientOptions = null, ILoggerFactory? loggerFactory = null)
    {
        ContainerOptions = containerOptions ?? new ExecutionContainerOptions();
        ClientOptions = clientOptions ?? new ExecutionClientOptions();
        ContainerOptions.Validate();
        ClientOptions.Validate();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<DockerSandboxProvider>();
    }

    /// <summary>Gets the settings of every container.</summary>
    public ExecutionContainerOptions ContainerOptions { get; }

    /// <summary>Gets the settings of every kernel client.</summary>
    public ExecutionClientOptions ClientOptions { get; }

    /// <summary>Gets the sandboxes on this provider's engine, to attach to, list, pause, stop, resume and delete by id; also handed out through <see cref="GetService"/>.</summary>
    public ISandboxDirectory Directory => _directory ??= new DockerSandboxDirectory(this, _loggerFactory);

    /// <summary>Gets the snapshots on this provider's engine; also handed out through <see cref="GetService"/>.</summary>
    public ISandboxSnapshots Snapshots => _snapshots ??= new DockerSnapshots(this, _loggerFactory);

    /// <summary>Gets the image every container is created from.</summary>
    internal string Image => ContainerOptions.Image ?? RuntimeImage.DefaultTag;

    /// <summary>Finds the engine the containers are created on: the option, else <c>DOCKER_HOST</c> or the Docker context, else the local socket.</summary>
    internal DockerEndpoint ResolveEndpoint() => DockerEndpoint.Resolve(ContainerOptions.DockerEndpoint);

    /// <summary>Checks that the engine answers and builds or pulls the image when the engine does not have it yet.</summary>
    /// <param name="progress">Receives the build or pull output; <see langword="null"/> for <see cref="ExecutionContainerOptions.Progress"/>.</param>
    /// <param name="cancellationToken">Cancels the check, build or pull.</param>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    /// <exception cref="ImageBuildException">The image is missing and could not be built or pulled.</exception>
    internal Task PrepareImageAsync(IProgress<ImageProgress>? progress, CancellationToken cancellationToken) =>
        RuntimeImage.EnsureAvailableAsync(ContainerOptions, progress, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    /// <exception cref="ImageBuildException">The image is missing and could not be built or pulled.</exception>
    /// <exception cref="ContainerStartException">The container did not start.</exception>
    /// <exception cref="FirewallException">The firewall could not be installed.</exception>
    public async Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default)
    {
        SandboxMetadata.Validate(request?.Metadata ?? new Dictionary<string, string>(), nameof(request));
        if (request?.Lease is { } lease)
        {
            Throw.IfNotPositive(lease);
        }

        await LazyInitializer.EnsureInitialized(ref _orphanSweep, RemoveOrphansAsync).WaitAsync(cancellationToken).ConfigureAwait(false);
        var labels = new Dictionary<string, string>(request?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in request?.Metadata ?? new Dictionary<string, string>())
        {
            labels[ContainerLabels.MetadataPrefix + key] = value;
        }

        if (request?.ConversationKey is { } conversation)
        {
            labels[ContainerLabels.Conversation] = conversation;
        }

        if (request?.PoolId is { } pool)
        {
            labels[ContainerLabels.Pool] = pool;
        }

        string? image = null;
        if (request?.Snapshot is { } snapshot)
        {
            image = await DockerSnapshots.FindImageAsync(this, snapshot, cancellationToken).ConfigureAwait(false);
            labels[ContainerLabels.Snapshot] = snapshot;
        }

        var container = await ExecutionContainer.StartNewAsync(
            new ExecutionContainer(ContainerOptions, _loggerFactory, labels, request?.Lease, image), cancellationToken).ConfigureAwait(false);
        try
        {
            return await OpenSandboxAsync(container, attach: false, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await container.DeleteAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Connects a sandbox to its container's kernel: a new kernel for a new container, and for an attached one the kernel that
    /// runs there (the most recently active) or, when none does (the container was stopped), a new one whose first result
    /// says that variables were lost. Resets always start a new kernel.
    /// </summary>
    internal async Task<ISandbox> OpenSandboxAsync(ExecutionContainer container, bool attach, CancellationToken cancellationToken)
    {
        var host = KernelSandbox.Reporting(container.KernelHost);
        Task<ExecutionClient> ConnectNew(JupyterMessageHandlers handlers, CancellationToken ct) =>
            ExecutionClient.ConnectNewAsync(container.CreateClient(ClientOptions, _loggerFactory, host, handlers), ct);

        async Task<ExecutionClient> ConnectExisting(JupyterMessageHandlers handlers, CancellationToken ct)
        {
            var client = container.CreateClient(ClientOptions, _loggerFactory, host, handlers);
            try
            {
                // A server started again (the container was stopped) has no kernel of before; the one it is starting
                // by itself is taken by the new-kernel request below.
                IReadOnlyList<string> kernels = container.ServerRestarted ? [] : await client.ListKernelsAsync(ct).ConfigureAwait(false);
                if (kernels.Count > 0)
                {
                    await client.AttachAsync(kernels[0], ct).ConfigureAwait(false);
                    return client;
                }

                await client.ConnectAsync(ct).ConfigureAwait(false);
                client.NoticeNextResult(KernelStateLostNotice);
                return client;
            }
            catch
            {
                await client.DetachAsync().ConfigureAwait(false);
                throw;
            }
        }

        var kernel = await ResettableKernel.StartAsync(ConnectNew, cancellationToken, attach ? ConnectExisting : null).ConfigureAwait(false);
        return new DockerSandbox(container, kernel, new ResourceClient(container, _loggerFactory));
    }

    /// <summary>The notice of the first result after a sandbox's kernel was lost with a stop.</summary>
    internal const string KernelStateLostNotice =
        "This sandbox was stopped and has been resumed with a new kernel: variables, imports and definitions from before are gone; " +
        "files in /app and installed packages were kept.";

    /// <summary>
    /// Before the first sandbox, removes the containers a crashed process left behind on this machine (killed with
    /// <c>kill -9</c>, say) that this provider would have created: same engine, same extra labels, the <c>/app</c>
    /// volumes no container uses any longer (their container was removed by hand), and the library's networks with those labels that
    /// no container uses, besides the sandbox network. Containers of live owners are never touched. A failure is logged and does not stop the sandbox from starting.
    /// </summary>
    private async Task RemoveOrphansAsync()
    {
        try
        {
            foreach (var orphan in await ManagedContainers.RemoveOrphansOfAsync(ContainerOptions, CancellationToken.None).ConfigureAwait(false))
            {
                Log.OrphanRemoved(_logger, orphan.Id, orphan.OwnerProcessId ?? 0);
            }

            foreach (var volume in await ManagedContainers.RemoveLeftoverVolumesOfAsync(ContainerOptions, CancellationToken.None).ConfigureAwait(false))
            {
                Log.LeftoverVolumeRemoved(_logger, volume);
            }

            foreach (var network in await ManagedContainers.RemoveLeftoverNetworksOfAsync(ContainerOptions, CancellationToken.None).ConfigureAwait(false))
            {
                Log.LeftoverNetworkRemoved(_logger, network);
            }
        }
        catch (Exception ex) when (ex is DockerUnavailableException or DockerApiException)
        {
            Log.OrphanSweepFailed(_logger, ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>Besides the provider, hands out the settings of its containers (<see cref="ExecutionContainerOptions"/>) and kernels (<see cref="ExecutionClientOptions"/>).</remarks>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        object[] services = [this, ContainerOptions, ClientOptions, Directory, Snapshots];
        return services.FirstOrDefault(serviceType.IsInstanceOfType);
    }
}
