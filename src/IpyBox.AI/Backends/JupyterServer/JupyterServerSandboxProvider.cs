using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI;

/// <summary>
/// Creates sandboxes as kernels on an existing Jupyter Server (or any server with its REST API, such as Jupyter Enterprise
/// Gateway running kernels as Kubernetes pods), given by base address and token. No Docker engine is involved: one kernel
/// per sandbox, and files through the server's Contents API (<c>api/contents</c>).
/// </summary>
/// <remarks>
/// <para>
/// Execution behaves as with containers: streaming, images, interrupts, timeouts (the kernel is interrupted and its state
/// kept), Python errors as <see cref="ExecutionException"/>. Disposing a sandbox deletes its kernel only, unless it was
/// created with a <see cref="SandboxRequest.Lease"/> or attached to through <see cref="Directory"/>: then its kernel keeps
/// running for the next attach.
/// </para>
/// <para>
/// Files are paths relative to the server's root (the runtime image serves <c>/app</c>). Every sandbox on one server sees
/// the same files: kernels are separate, the file system is the server's. The limits of the Contents API are described on
/// <see cref="JupyterServerOptions.MaxFileBytes"/> and <see cref="JupyterServerOptions.MaxDirectoryEntries"/>; a server
/// without a Contents API (Enterprise Gateway serves kernels only) answers file calls with an error.
/// </para>
/// <para>
/// <see cref="SandboxRequest.ConversationKey"/> and <see cref="SandboxRequest.Labels"/> are not recorded on the server: the
/// kernels API has no place for them.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var provider = new JupyterServerSandboxProvider(new JupyterServerOptions
/// {
///     ServerUri = new Uri("https://jupyter.example.com/prefix/"),
///     Token = Environment.GetEnvironmentVariable("JUPYTER_TOKEN"),
/// });
/// await using var sandbox = await provider.CreateAsync();
/// var result = await sandbox.ExecuteAsync("print(6 * 7)");
/// </code>
/// </example>
public sealed class JupyterServerSandboxProvider : ISandboxProvider
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private JupyterServerSandboxDirectory? _directory;

    /// <summary>Initializes a new instance of the <see cref="JupyterServerSandboxProvider"/> class.</summary>
    /// <param name="options">Where the server is and how to reach it; validated here.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is missing or invalid; the message says which and how to fix it.</exception>
    public JupyterServerSandboxProvider(JupyterServerOptions options, ILoggerFactory? loggerFactory = null)
    {
        Options = Throw.IfNull(options);
        Options.Validate();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<JupyterServerSandboxProvider>();
    }

    /// <summary>Gets the settings of this provider.</summary>
    public JupyterServerOptions Options { get; }

    /// <summary>
    /// Gets the kernels of this provider's server as sandboxes, to attach to, list and delete by id (the kernel id) from any
    /// process; also handed out through <see cref="GetService"/>. A Jupyter server cannot pause or stop a kernel.
    /// </summary>
    public ISandboxDirectory Directory => _directory ??= new JupyterServerSandboxDirectory(this, _loggerFactory);

    /// <inheritdoc />
    /// <remarks>
    /// A request with a <see cref="SandboxRequest.Lease"/> makes a sandbox whose kernel is kept on the server when the sandbox
    /// is disposed, so another process can attach to it by its id (<see cref="Directory"/>). The server has no place to keep
    /// the lease: it is not enforced, and the kernel runs until <see cref="ISandboxDirectory.DeleteAsync"/> shuts it down (or
    /// the server's own culling does). Such a sandbox resets by restarting its kernel, which keeps the id.
    /// </remarks>
    /// <exception cref="SandboxUnavailableException">The server cannot be reached, or serves no Jupyter API at <see cref="JupyterServerOptions.ServerUri"/>.</exception>
    /// <exception cref="IpyBoxException">The server refused the token, or offers no kernel spec named <see cref="ExecutionClientOptions.KernelName"/>.</exception>
    /// <exception cref="TimeoutException">The kernel did not start within <see cref="ExecutionClientOptions.ConnectTimeout"/>.</exception>
    /// <exception cref="NotSupportedException">The request asks for metadata or a snapshot, which a Jupyter server cannot keep.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The request's lease is not positive.</exception>
    public async Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default)
    {
        if (request is not null && (request.Metadata.Count > 0 || request.Snapshot is not null))
        {
            throw new NotSupportedException(
                "A Jupyter server keeps no metadata or snapshots for its kernels: SandboxRequest.Metadata and Snapshot, and so durable sessions " +
                "(which keep their scope as metadata), need the Docker backend. SandboxRequest.Lease works here: the kernel is kept when the sandbox is disposed. " +
                "See docs/jupyter-server.md.");
        }

        if (request?.Lease is { } lease)
        {
            Throw.IfNotPositive(lease);
        }

        return await OpenSandboxAsync(kernelId: null, keepsKernel: request?.Lease is not null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Connects a sandbox: to a new kernel when <paramref name="kernelId"/> is <see langword="null"/>, else to that running
    /// kernel with its state. A sandbox that keeps its kernel detaches on dispose and resets by restarting the kernel.
    /// </summary>
    internal async Task<ISandbox> OpenSandboxAsync(string? kernelId, bool keepsKernel, CancellationToken cancellationToken)
    {
        var serverUri = Options.ServerUri!;
        var token = Options.Token!;
        var client = Options.Client;
        var api = new JupyterServerApi(serverUri, token, Options.RequestTimeout);
        try
        {
            if (kernelId is null)
            {
                // One cheap request first: an unreachable server, a wrong prefix or token get a clear error at once
                // instead of the kernel connection's retries.
                await api.CheckServerAsync(client.KernelName, cancellationToken).ConfigureAwait(false);
            }

            // The kernel a kept sandbox reconnects to after a lost connection: the one it attached to or created.
            var keptKernelId = kernelId;
            ExecutionClient NewClient(JupyterMessageHandlers handlers) =>
                new(serverUri, token, client, _loggerFactory, KernelSandbox.Reporting(KernelServerHost.Unknown), handlers);
            Task<ExecutionClient> Connect(JupyterMessageHandlers handlers, CancellationToken ct) => keptKernelId is { } id
                ? AttachAsync(NewClient(handlers), id, ct)
                : ExecutionClient.ConnectNewAsync(NewClient(handlers), ct);

            ResettableKernel kernel;
            try
            {
                kernel = await ResettableKernel.StartAsync(Connect, cancellationToken, restartOnReset: keepsKernel).ConfigureAwait(false);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new IpyBoxException(
                    $"The Jupyter server at {api.ServerUri} refused the token when {(kernelId is null ? "creating" : "connecting to")} a kernel ({ex.Message}). Check JupyterServerOptions.Token.", ex);
            }

            if (keepsKernel)
            {
                keptKernelId = kernel.Client?.KernelId;
            }

            var sandbox = new JupyterServerSandbox(
                kernel, new ContentsApiFiles(api, Options, _loggerFactory.CreateLogger<ContentsApiFiles>()), api, keepsKernel, _logger);
            if (kernelId is null)
            {
                Log.JupyterSandboxCreated(_logger, sandbox.Id, api.ServerUri);
            }
            else
            {
                Log.JupyterSandboxAttached(_logger, sandbox.Id, api.ServerUri);
            }

            return sandbox;
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    /// <summary>Connects <paramref name="client"/> to the running kernel <paramref name="kernelId"/>; when that fails, closes it and leaves the kernel running.</summary>
    private static async Task<ExecutionClient> AttachAsync(ExecutionClient client, string kernelId, CancellationToken cancellationToken)
    {
        try
        {
            await client.AttachAsync(kernelId, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DetachAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Besides the provider, hands out the <see cref="ExecutionClientOptions"/> of its kernels (<see cref="JupyterServerOptions.Client"/>) and its <see cref="Directory"/>.</remarks>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        object[] services = [this, Options.Client, Directory];
        return services.FirstOrDefault(serviceType.IsInstanceOfType);
    }
}
