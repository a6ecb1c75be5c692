using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// The Jupyter-server backend's <see cref="ISandboxDirectory"/>: the sandboxes are the kernels of the provider's server, found
/// by kernel id from any process. The kernels API keeps nothing besides a kernel's id, spec name and last activity, so every
/// kernel is listed as running, none carries metadata, a conversation or a lease, and a query that asks for any of those
/// matches nothing. A kernel cannot be paused or stopped; there are no leases to expire.
/// </summary>
internal sealed class JupyterServerSandboxDirectory : ISandboxDirectory
{
    private readonly JupyterServerSandboxProvider _provider;
    private readonly ILogger _logger;

    public JupyterServerSandboxDirectory(JupyterServerSandboxProvider provider, ILoggerFactory loggerFactory)
    {
        _provider = provider;
        _logger = loggerFactory.CreateLogger<JupyterServerSandboxDirectory>();
    }

    private Uri ServerUri => ServerAddress.Normalize(_provider.Options.ServerUri!);

    public async Task<ISandbox> AttachAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(sandboxId);
        var kernel = await CallAsync("describe a kernel", (api, ct) => api.GetAsync(sandboxId, ct), cancellationToken).ConfigureAwait(false)
            ?? throw NotFound(sandboxId);
        return await _provider.OpenSandboxAsync(kernel.Id, keepsKernel: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SandboxInfo?> FindAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(sandboxId);
        var kernel = await CallAsync("describe a kernel", (api, ct) => api.GetAsync(sandboxId, ct), cancellationToken).ConfigureAwait(false);
        return kernel is null ? null : InfoOf(kernel);
    }

    public async Task<IReadOnlyList<SandboxInfo>> ListAsync(SandboxQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new SandboxQuery();
        SandboxMetadata.Validate(query.Metadata, nameof(query));
        if (!CanMatch(query))
        {
            return [];
        }

        var kernels = await CallAsync("list its kernels", (api, ct) => api.ListModelsAsync(ct), cancellationToken).ConfigureAwait(false);
        return [.. kernels.Select(InfoOf)];
    }

    public Task PauseAsync(string sandboxId, TimeSpan? retention = null, CancellationToken cancellationToken = default) =>
        Task.FromException(NotSupported("pause"));

    public Task StopAsync(string sandboxId, TimeSpan? retention = null, CancellationToken cancellationToken = default) =>
        Task.FromException(NotSupported("stop"));

    public Task ResumeAsync(string sandboxId, CancellationToken cancellationToken = default) =>
        Task.FromException(NotSupported("resume"));

    public async Task<bool> DeleteAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(sandboxId);
        var deleted = await CallAsync("shut a kernel down", (api, ct) => api.DeleteAsync(sandboxId, ct), cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            Log.JupyterSandboxDeleted(_logger, sandboxId, ServerUri);
        }

        return deleted;
    }

    /// <summary>Removes nothing: a Jupyter server keeps no leases, so none can expire.</summary>
    public Task<IReadOnlyList<SandboxInfo>> RemoveExpiredAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SandboxInfo>>([]);

    /// <summary>Whether a kernel can satisfy <paramref name="query"/>: only a query for running sandboxes, with nothing the server does not keep.</summary>
    internal static bool CanMatch(SandboxQuery query) =>
        query.Metadata.Count == 0
        && query.ConversationKey is null
        && !query.DurableOnly
        && query.State is null or SandboxState.Running;

    /// <summary>
    /// A kernel as a sandbox. The kernels API reports no start time, so <see cref="SandboxInfo.Created"/> is the kernel's last
    /// activity (the most recently active first, as <see cref="ISandboxDirectory.ListAsync"/> lists them).
    /// </summary>
    internal static SandboxInfo InfoOf(KernelModel kernel) => new(kernel.Id, SandboxState.Running, kernel.LastActivity) { Image = kernel.Name };

    /// <summary>The error of an operation a Jupyter server cannot do.</summary>
    internal static NotSupportedException NotSupported(string operation) => new(
        $"A Jupyter server cannot {operation} a kernel: JupyterServerSandboxProvider's sandboxes are always running. " +
        "Attach to one, or delete it (which shuts its kernel down); pausing, stopping and resuming need the Docker backend.");

    private SandboxNotFoundException NotFound(string sandboxId) => new(
        $"The Jupyter server at {ServerUri} has no kernel '{sandboxId}': it was shut down (deleted, culled by the server, or the server restarted), or never existed.");

    /// <summary>
    /// Makes one request of the kernels API and turns its failures into the library's errors: unreachable →
    /// <see cref="SandboxUnavailableException"/>, token refused or an answer that is not a kernels API → <see cref="IpyBoxException"/>,
    /// no answer in time → <see cref="TimeoutException"/>.
    /// </summary>
    private async Task<T> CallAsync<T>(string action, Func<KernelsApi, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var api = new KernelsApi(ServerUri, _provider.Options.Token!);
        try
        {
            return await call(api, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
        {
            throw new SandboxUnavailableException(
                $"The Jupyter server at {ServerUri} cannot be reached to {action} ({ex.Message}). Check JupyterServerOptions.ServerUri and that the server is running.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new IpyBoxException($"The Jupyter server at {ServerUri} could not {action}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IpyBoxException(
                $"The Jupyter server at {ServerUri} refused the token ({ex.Message}). Set JupyterServerOptions.Token to the server's token.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The Jupyter server at {ServerUri} did not {action} in time.", ex);
        }
    }
}
