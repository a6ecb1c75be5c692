namespace IpyBox.AI;

/// <summary>
/// The kernel of a sandbox, whatever the backend: one <see cref="ExecutionClient"/> at a time, replaced on reset, with the
/// sandbox's message handlers carried over to each new kernel. A sandbox whose reset failed connects a fresh kernel on its
/// next use; if that fails too, the use reports the sandbox as unavailable.
/// </summary>
internal sealed class ResettableKernel : IAsyncDisposable
{
    private readonly Func<JupyterMessageHandlers, CancellationToken, Task<ExecutionClient>> _connect;
    private readonly JupyterMessageHandlers _handlers = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ExecutionClient? _client;
    private int _disposed;

    private ResettableKernel(Func<JupyterMessageHandlers, CancellationToken, Task<ExecutionClient>> connect)
    {
        _connect = connect;
    }

    /// <summary>Gets the current kernel client, or <see langword="null"/> after a failed reset.</summary>
    public ExecutionClient? Client => Volatile.Read(ref _client);

    /// <summary>Connects the first kernel.</summary>
    /// <param name="connect">Creates and connects a client of a new kernel that dispatches to the given handlers; it disposes the client when connecting fails.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <param name="first">Connects the first client instead of <paramref name="connect"/> (to a kernel that already runs, say); <see langword="null"/> for <paramref name="connect"/>.</param>
    public static async Task<ResettableKernel> StartAsync(
        Func<JupyterMessageHandlers, CancellationToken, Task<ExecutionClient>> connect,
        CancellationToken cancellationToken,
        Func<JupyterMessageHandlers, CancellationToken, Task<ExecutionClient>>? first = null)
    {
        var kernel = new ResettableKernel(connect);
        kernel._client = await (first ?? connect)(kernel._handlers, cancellationToken).ConfigureAwait(false);
        return kernel;
    }

    /// <summary>Throws when the current kernel's connection is closed or reported a dead kernel; after a failed reset the next use reconnects, so that is no error.</summary>
    public void ThrowIfUnusable() => Client?.ThrowIfUnusable();

    public IDisposable AddMessageHandler(IJupyterMessageHandler handler) => _handlers.Add(handler);

    public async Task<Execution> SubmitAsync(string code, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var client = Client ?? await ReconnectAsync(cancellationToken).ConfigureAwait(false);
        return await client.SubmitAsync(code, timeout, cancellationToken).ConfigureAwait(false);
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
