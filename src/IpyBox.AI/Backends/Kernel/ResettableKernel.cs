namespace IpyBox.AI;

/// <summary>
/// The kernel of a sandbox, whatever the backend: one <see cref="ExecutionClient"/> at a time, replaced on reset, with the
/// sandbox's message handlers carried over to each new kernel. A sandbox whose reset failed connects a fresh kernel on its
/// next use; if that fails too, the use reports the sandbox as unavailable. A sandbox whose id is its kernel's id and that
/// outlives its object (a durable one on a Jupyter server) resets by restarting its kernel instead, which keeps the id.
/// </summary>
internal sealed class ResettableKernel : IAsyncDisposable
{
    private readonly Func<JupyterMessageHandlers, CancellationToken, Task<ExecutionClient>> _connect;
    private readonly JupyterMessageHandlers _handlers = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly bool _restartOnReset;
    private ExecutionClient? _client;
    private int _disposed;

    private ResettableKernel(Func<JupyterMessageHandlers, CancellationToken, Task<ExecutionClient>> connect, bool restartOnReset)
    {
        _connect = connect;
        _restartOnReset = restartOnReset;
    }

    /// <summary>Gets the current kernel client, or <see langword="null"/> after a failed reset.</summary>
    public ExecutionClient? Client => Volatile.Read(ref _client);

    /// <summary>Connects the first kernel.</summary>
    /// <param name="connect">Creates and connects a client of a new kernel that dispatches to the given handlers; it disposes the client when connecting fails.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <param name="first">Connects the first client instead of <paramref name="connect"/> (to a kernel that already runs, say); <see langword="null"/> for <paramref name="connect"/>.</param>
    /// <param name="restartOnReset">
    /// Whether a reset restarts the current kernel (a fresh process under the same id) instead of deleting it and connecting a
    /// new one; <paramref name="connect"/> then reconnects to that same kernel.
    /// </param>
    public static async Task<ResettableKernel> StartAsync(
        Func<JupyterMessageHandlers, CancellationToken, Task<ExecutionClient>> connect,
        CancellationToken cancellationToken,
        Func<JupyterMessageHandlers, CancellationToken, Task<ExecutionClient>>? first = null,
        bool restartOnReset = false)
    {
        var kernel = new ResettableKernel(connect, restartOnReset);
        kernel._client = await (first ?? connect)(kernel._handlers, cancellationToken).ConfigureAwait(false);
        return kernel;
    }

    /// <summary>Throws when the current kernel's connection is closed or reported a dead kernel; after a failed reset the next use reconnects, so that is no error.</summary>
    public void ThrowIfUnusable() => Client?.ThrowIfUnusable();

    public IDisposable AddMessageHandler(IJupyterMessageHandler handler) => _handlers.Add(handler);

    /// <summary>The notice of the first result after a kernel the server gave up on was replaced.</summary>
    internal const string DeadKernelReplacedNotice =
        "The kernel had died and the server could not restart it, so this sandbox started a new kernel: variables, imports and " +
        "definitions from before are gone; files in /app and installed packages were kept.";

    public async Task<Execution> SubmitAsync(string code, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var client = Client ?? await ReconnectAsync(cancellationToken).ConfigureAwait(false);
        if (client.KernelDead && !_restartOnReset)
        {
            client = await ReplaceDeadAsync(client, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await client.SubmitAsync(code, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (KernelDiedException) when (client.KernelDead && !_restartOnReset)
        {
            // The kernel the server started in place of a dead one never answered: this call gets a new kernel too.
            client = await ReplaceDeadAsync(client, cancellationToken).ConfigureAwait(false);
            return await client.SubmitAsync(code, timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Replaces a kernel the server reported dead (it died and its restarts failed) with a new one, whose first result says that
    /// the state was lost: the sandbox is alive, and without this every later call would meet the same dead kernel.
    /// </summary>
    private async Task<ExecutionClient> ReplaceDeadAsync(ExecutionClient dead, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(_client, dead))
            {
                return _client ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
            }

            _client = null;
            await dead.DisposeAsync().ConfigureAwait(false);
            var fresh = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            fresh.NoticeNextResult(DeadKernelReplacedNotice);
            _client = fresh;
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var client = Client ?? await ReconnectAsync(cancellationToken).ConfigureAwait(false);
        await client.WarmUpAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_restartOnReset)
            {
                await RestartAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            var old = Interlocked.Exchange(ref _client, null);
            if (old is not null)
            {
                await old.DisposeAsync().ConfigureAwait(false);
            }

            _client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes the kernel. Idempotent.</summary>
    public ValueTask DisposeAsync() => CloseAsync(deleteKernel: true);

    /// <summary>Closes the connection and leaves the kernel running with its state, for another client to attach. Idempotent.</summary>
    public ValueTask DetachAsync() => CloseAsync(deleteKernel: false);

    private async ValueTask CloseAsync(bool deleteKernel)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var client = Interlocked.Exchange(ref _client, null);
        if (client is not null)
        {
            if (deleteKernel)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await client.DetachAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Restarts the kernel through the current connection, or through a new one to the same kernel when that connection is lost.</summary>
    private async Task RestartAsync(CancellationToken cancellationToken)
    {
        if (_client is { } current)
        {
            try
            {
                await current.RestartAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is KernelUnavailableException or HttpRequestException)
            {
                // The connection is lost or the server refused: a new connection to the kernel tells whether it is still there.
            }

            Interlocked.Exchange(ref _client, null);
            await current.DetachAsync().ConfigureAwait(false);
        }

        var client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        _client = client;
        try
        {
            await client.RestartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KernelUnavailableException or HttpRequestException)
        {
            throw new SandboxUnavailableException($"The kernel could not be restarted ({ex.Message}). The sandbox must be replaced.", ex);
        }
    }

    private async Task<ExecutionClient> ReconnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _client ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ExecutionClient> ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _connect(_handlers, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new SandboxUnavailableException($"A new kernel could not be started ({ex.Message}). The sandbox must be replaced.", ex);
        }
    }
}
