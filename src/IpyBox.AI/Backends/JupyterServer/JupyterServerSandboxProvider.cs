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
/// kept), Python errors as <see cref="ExecutionException"/>. Disposing a sandbox deletes its kernel only.
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

    /// <inheritdoc />
    /// <exception cref="SandboxUnavailableException">The server cannot be reached, or serves no Jupyter API at <see cref="JupyterServerOptions.ServerUri"/>.</exception>
    /// <exception cref="IpyBoxException">The server refused the token, or offers no kernel spec named <see cref="ExecutionClientOptions.KernelName"/>.</exception>
    /// <exception cref="TimeoutException">The kernel did not start within <see cref="ExecutionClientOptions.ConnectTimeout"/>.</exception>
    /// <exception cref="NotSupportedException">The request asks for a lease, metadata or a snapshot, which a Jupyter server cannot keep.</exception>
    public async Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default)
    {
        if (request is not null && (request.Lease is not null || request.Metadata.Count > 0 || request.Snapshot is not null))
        {
            throw new NotSupportedException(
                "A Jupyter server keeps no leases, metadata or snapshots for its kernels: SandboxRequest.Lease, Metadata and Snapshot need the Docker backend. " +
                "See docs/durable-sandboxes.md.");
        }

        var serverUri = Options.ServerUri!;
        var token = Options.Token!;
        var client = Options.Client;
        var api = new JupyterServerApi(serverUri, token, Options.RequestTimeout);
        try
        {
            // One cheap request first: an unreachable server, a wrong prefix or token get a clear error at once
            // instead of the kernel connection's retries.
            await api.CheckServerAsync(client.KernelName, cancellationToken).ConfigureAwait(false);
            ResettableKernel kernel;
            try
            {
                kernel = await ResettableKernel.StartAsync(
                    (handlers, ct) => ExecutionClient.ConnectNewAsync(
                        new ExecutionClient(serverUri, token, client, _loggerFactory, KernelSandbox.Reporting(KernelServerHost.Unknown), handlers), ct),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new IpyBoxException(
                    $"The Jupyter server at {api.ServerUri} refused the token when creating a kernel ({ex.Message}). Check JupyterServerOptions.Token.", ex);
            }

            var sandbox = new JupyterServerSandbox(kernel, new ContentsApiFiles(api, Options, _loggerFactory.CreateLogger<ContentsApiFiles>()), api, _logger);
            Log.JupyterSandboxCreated(_logger, sandbox.Id, api.ServerUri);
            return sandbox;
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Besides the provider, hands out the <see cref="ExecutionClientOptions"/> of its kernels (<see cref="JupyterServerOptions.Client"/>).</remarks>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        object[] services = [this, Options.Client];
        return services.FirstOrDefault(serviceType.IsInstanceOfType);
    }
}
