using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI;

/// <summary>
/// One IPython kernel in a container (or any Jupyter Server). Executions on one client share state;
/// two clients have separate kernels. <see cref="ConnectAsync"/> creates the kernel, <see cref="DisposeAsync"/> deletes it.
/// </summary>
public sealed class ExecutionClient : IAsyncDisposable, IJupyterMessageSender
{
    private static readonly TimeSpan s_createRetryFirstInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_createRetryMaxInterval = TimeSpan.FromMilliseconds(500);

    private readonly KernelServerHost _host;
    private readonly JupyterMessageHandlers _handlers;
    private readonly Uri _serverUri;
    private readonly string _token;
    private readonly ILogger _logger;
    private readonly string _sessionId = Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private KernelsApi? _api;
    private KernelChannel? _channel;
    private string? _nextNotice;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="ExecutionClient"/> class for any Jupyter Server (or Enterprise Gateway).</summary>
    /// <param name="serverUri">The server's base address, <c>http</c> or <c>https</c>, with its path prefix if it has one (e.g. <c>https://host/jupyter/</c>).</param>
    /// <param name="token">The server's token.</param>
    /// <param name="options">The client settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentException"><paramref name="serverUri"/> is not an absolute http or https address.</exception>
    public ExecutionClient(Uri serverUri, string token, ExecutionClientOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(serverUri, token, options, loggerFactory, KernelServerHost.Unknown, handlers: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionClient"/> class.</summary>
    /// <param name="serverUri">The server's base address.</param>
    /// <param name="token">The server's token.</param>
    /// <param name="options">The client settings.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <param name="host">What runs the server: whether it is gone, why a kernel died, the error of a lost kernel.</param>
    /// <param name="handlers">The handlers for messages that are not execution output; <see langword="null"/> for none.</param>
    internal ExecutionClient(
        Uri serverUri,
        string token,
        ExecutionClientOptions? options,
        ILoggerFactory? loggerFactory,
        KernelServerHost host,
        JupyterMessageHandlers? handlers)
    {
        _serverUri = ServerAddress.Normalize(serverUri);
        _token = Throw.IfNull(token);
        Options = options ?? new ExecutionClientOptions();
        Options.Validate();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ExecutionClient>();
        _host = host;
        _handlers = handlers ?? new JupyterMessageHandlers();
    }

    /// <summary>Connects <paramref name="client"/>, disposing it when connecting fails.</summary>
    internal static async Task<ExecutionClient> ConnectNewAsync(ExecutionClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Gets the options this client was created with.</summary>
    public ExecutionClientOptions Options { get; }

    /// <summary>Gets the kernel id, or <see langword="null"/> before <see cref="ConnectAsync"/>.</summary>
    public string? KernelId { get; private set; }

    /// <summary>Creates a kernel (retrying while the server starts, up to <see cref="ExecutionClientOptions.ConnectTimeout"/>) and opens its channels.</summary>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <exception cref="TimeoutException">The server did not answer in time.</exception>
    /// <exception cref="UnauthorizedAccessException">The server refused the token.</exception>
    public Task ConnectAsync(CancellationToken cancellationToken = default) =>
        OpenAsync(async (api, ct) =>
        {
            var id = await CreateKernelAsync(api, ct).ConfigureAwait(false);
            Log.KernelCreated(_logger, id);
            return id;
        }, cancellationToken);

    /// <summary>
    /// Opens the channels of a kernel that already runs on the server (one another client created, in this process or another),
    /// with its state intact. Disposing the client deletes the kernel; <see cref="DetachAsync"/> leaves it running.
    /// </summary>
    /// <param name="kernelId">The kernel's id, as <see cref="KernelId"/> gave it to the client that created it.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <exception cref="UnauthorizedAccessException">The server refused the token.</exception>
    /// <exception cref="KernelUnavailableException">The kernel does not exist, or the server cannot be reached.</exception>
    public Task AttachAsync(string kernelId, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(kernelId);
        return OpenAsync((_, _) => Task.FromResult(kernelId), cancellationToken);
    }

    /// <summary>Lists the ids of the kernels on the server, the most recently active first.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The kernel ids.</returns>
    /// <exception cref="HttpRequestException">The server cannot be reached or answered with an error.</exception>
    /// <exception cref="UnauthorizedAccessException">The server refused the token.</exception>
    internal async Task<IReadOnlyList<string>> ListKernelsAsync(CancellationToken cancellationToken)
    {
        using var api = new KernelsApi(_serverUri, _token);
        return await api.ListAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task OpenAsync(Func<KernelsApi, CancellationToken, Task<string>> findKernel, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (KernelId is not null)
            {
                throw new InvalidOperationException("The client is already connected.");
            }

            _api = new KernelsApi(_serverUri, _token);
            KernelId = await findKernel(_api, cancellationToken).ConfigureAwait(false);
            _channel = await KernelChannel.OpenAsync(
                _serverUri, _token, KernelId, _sessionId, Options, _handlers, _host, _logger, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Executes code and waits for its result.</summary>
    /// <param name="code">The Python code.</param>
    /// <param name="timeout">The time limit; <see langword="null"/> for <see cref="ExecutionClientOptions.DefaultTimeout"/>. On expiry the kernel is interrupted (state is kept).</param>
    /// <param name="cancellationToken">Cancels the execution; the kernel is interrupted.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ExecutionException">The code raised a Python exception.</exception>
    /// <exception cref="ExecutionTimeoutException">The execution timed out; <see cref="ExecutionTimeoutException.KernelRestarted"/> says whether the code ignored the interrupt so the kernel was restarted and its state lost.</exception>
    /// <exception cref="OperationCanceledException">The execution was cancelled.</exception>
    /// <exception cref="KernelUnavailableException">The connection to the kernel was lost.</exception>
    /// <exception cref="KernelDiedException">The kernel process died; the server restarted it and its state is lost.</exception>
    /// <exception cref="ArgumentException"><paramref name="code"/> contains a NUL character, which no kernel accepts.</exception>
    public async Task<ExecutionResult> ExecuteAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var execution = await SubmitAsync(code, timeout, cancellationToken).ConfigureAwait(false);
        return await execution.GetResultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Submits code for execution and returns at once; stream or await the <see cref="Execution"/>.</summary>
    /// <param name="code">The Python code.</param>
    /// <param name="timeout">The time limit from now; <see langword="null"/> for <see cref="ExecutionClientOptions.DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the submission.</param>
    /// <returns>The running execution.</returns>
    /// <exception cref="KernelUnavailableException">The connection to the kernel was lost.</exception>
    /// <exception cref="ArgumentException"><paramref name="code"/> contains a NUL character, which no kernel accepts.</exception>
    public async Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(code);
        if (timeout is { } t)
        {
            Throw.IfNotPositive(t);
        }

        CellCode.ThrowIfUnrunnable(code);
        return await SubmitCoreAsync(code, timeout, silent: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a silent, empty cell, so that a kernel kept ready (see <see cref="PoolingSandboxProvider"/>) has been through
    /// its first execution, which is slower than later ones, before its user's first cell. The kernel keeps no trace of
    /// it: no history, no execution count, no output, no variable.
    /// </summary>
    internal async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var execution = await SubmitCoreAsync("pass", timeout: null, silent: true, cancellationToken).ConfigureAwait(false);
        await execution.GetResultAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Execution> SubmitCoreAsync(string code, TimeSpan? timeout, bool silent, CancellationToken cancellationToken)
    {
        var channel = ThrowIfNotUsable();
        await channel.WaitIfRestartedAsync(cancellationToken).ConfigureAwait(false);
        var (id, frame) = JupyterRequest.Execute(_sessionId, code, channel.AllowsStdin, silent);
        var execution = new Execution(
            id,
            timeout ?? Options.DefaultTimeout,
            Options.InterruptGracePeriod,
            InterruptForAsync,
            Options.TimeProvider,
            Options.MaxOutputLength,
            Options.RestartUnresponsiveKernel ? RestartAfterTimeoutAsync : null);
        if (!silent && Interlocked.Exchange(ref _nextNotice, null) is { } notice)
        {
            execution.SetNotice(notice);
        }

        channel.Track(execution);
        Log.Executing(_logger, id, code);
        try
        {
            await channel.SendFrameAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch (KernelUnavailableException error)
        {
            execution.Fail(error);
            throw;
        }

        return execution;
    }

    /// <summary>Interrupts whatever the kernel is running (like Ctrl+C); state is kept.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server accepted the interrupt.</returns>
    public Task InterruptAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfNotUsable();
        return _api!.InterruptAsync(KernelId!, cancellationToken);
    }

    /// <summary>
    /// Restarts the kernel: a fresh process under the same id, so variables, imports and definitions are lost (files stay). This
    /// also stops code that ignores interrupts. Executions running at the time end with a <see cref="KernelRestartedException"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server restarted the kernel; the next execution waits until the new kernel answers.</returns>
    /// <exception cref="KernelUnavailableException">The connection to the kernel was lost.</exception>
    /// <exception cref="HttpRequestException">The server could not restart the kernel.</exception>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        var channel = ThrowIfNotUsable();
        await channel.RestartAsync(
            ct => _api!.RestartAsync(KernelId!, ct),
            new KernelRestartedException("The kernel was restarted while this execution ran (ExecutionClient.RestartAsync): variables, imports and definitions are lost; files in /app are kept."),
            cancellationToken).ConfigureAwait(false);
        Log.KernelRestarted(_logger, KernelId!);
    }

    /// <summary>Closes the channels and deletes the kernel. Idempotent; harmless when the container is gone.</summary>
    /// <returns>A task that completes when the kernel is deleted.</returns>
    public ValueTask DisposeAsync() => CloseAsync(deleteKernel: true);

    /// <summary>Closes the channels and leaves the kernel running with its state, for a later <see cref="AttachAsync"/>. Idempotent; the client is disposed.</summary>
    /// <returns>A task that completes when the channels are closed.</returns>
    public ValueTask DetachAsync() => CloseAsync(deleteKernel: false);

    private async ValueTask CloseAsync(bool deleteKernel)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_channel is not null)
            {
                await _channel.DisposeAsync().ConfigureAwait(false);
            }

            if (deleteKernel && _api is not null && KernelId is not null)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await _api.DeleteAsync(KernelId, timeout.Token).ConfigureAwait(false);
                    Log.KernelDeleted(_logger, KernelId);
                }
                catch (Exception ex) when (ex is HttpRequestException or UnauthorizedAccessException or OperationCanceledException)
                {
                    Log.KernelDeleteFailed(_logger, KernelId, ex);
                }
            }

            _api?.Dispose();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc />
    public Task SendAsync(string channel, string messageType, JsonObject content, JupyterMessage? parent, CancellationToken cancellationToken = default) =>
        ThrowIfNotUsable().SendAsync(channel, messageType, content, parent, cancellationToken);

    /// <summary>Creates a kernel, asking again while the server starts (connection refused, reset or slow to answer).</summary>
    private async Task<string> CreateKernelAsync(KernelsApi api, CancellationToken cancellationToken)
    {
        Exception? lastError = null;
        var attempt = 0;
        return await Poll.UntilAsync(
            $"the kernel server at {api.BaseUri} to create a kernel",
            async ct =>
            {
                try
                {
                    return await api.CreateAsync(Options.KernelName, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    lastError = ex;
                    Log.ServerNotReady(_logger, ++attempt, ex.Message);
                    await ThrowIfServerGoneAsync(ct).ConfigureAwait(false);
                    return null;
                }
            },
            PollSchedule.Backoff(Options.ConnectTimeout, s_createRetryFirstInterval, s_createRetryMaxInterval),
            Options.TimeProvider,
            cancellationToken,
            async ct =>
            {
                await ThrowIfServerGoneAsync(ct).ConfigureAwait(false);
                return new TimeoutException(
                    $"The kernel server at {api.BaseUri} did not create a kernel within {Options.ConnectTimeout.TotalSeconds:0.#} s ({lastError?.Message ?? "no answer"}). " +
                    "Increase ExecutionClientOptions.ConnectTimeout if the machine is slow.", lastError);
            }).ConfigureAwait(false);
    }

    /// <summary>Throws the error that says why the server is gone (a stopped container's start error, say), if it is.</summary>
    private async Task ThrowIfServerGoneAsync(CancellationToken cancellationToken)
    {
        if (await _host.FindServerGoneAsync(cancellationToken).ConfigureAwait(false) is { } gone)
        {
            throw gone;
        }
    }

    /// <summary>Gives the next execution's result a <see cref="ExecutionResult.Notice"/> (a kernel that replaced one lost with a stopped sandbox, say).</summary>
    internal void NoticeNextResult(string notice) => Volatile.Write(ref _nextNotice, notice);

    /// <summary>Gets a value indicating whether the server reported this client's kernel dead (it died and could not be restarted).</summary>
    internal bool KernelDead => _channel?.KernelDead == true;

    /// <summary>Throws when the client cannot take a request: disposed, not connected, its connection lost or its kernel dead.</summary>
    internal void ThrowIfUnusable() => ThrowIfNotUsable();

    private KernelChannel ThrowIfNotUsable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var channel = _channel ?? throw new InvalidOperationException("The client is not connected; call ConnectAsync first.");
        channel.ThrowIfUnusable();
        return channel;
    }

    /// <summary>
    /// Restarts a kernel whose timed-out execution ignored the interrupt; returns the error that execution ends with. When the restart
    /// fails, the client is marked unusable, so a sandbox owner replaces it.
    /// </summary>
    private async Task<Exception> RestartAfterTimeoutAsync(TimeoutException timeout)
    {
        if (_channel is not { } channel || _api is null || KernelId is null)
        {
            return timeout;
        }

        Log.RestartingUnresponsiveKernel(_logger, KernelId, timeout.Message);
        var restarted = new ExecutionTimeoutException(
            $"{timeout.Message.Replace("The kernel was interrupted; its state is kept.", string.Empty, StringComparison.Ordinal).TrimEnd()} " +
            $"The code was still running {Options.InterruptGracePeriod.TotalSeconds:0.#} s after the interrupt (it ignored it, or was still sending its output), so the kernel was restarted: " +
            "variables, imports and definitions are lost; files in /app are kept. Run the setup code again before continuing.",
            kernelRestarted: true,
            timeout);
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await channel.RestartAsync(ct => _api.RestartAsync(KernelId, ct), restarted, limit.Token).ConfigureAwait(false);
            return restarted;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.KernelRestartFailed(_logger, KernelId, ex);
            // A restart that fails because the whole sandbox is gone is reported with what the host knows of that.
            var gone = await _host.FindServerGoneSoonAsync(Options.TimeProvider).ConfigureAwait(false);
            var unusable = _host.Unavailable(
                $"{timeout.Message} The code was still running after the interrupt and the kernel could not be restarted " +
                $"({(gone is null ? ex.Message : "the sandbox's kernel server is gone: " + gone.Message.Split('\n')[0])}). " +
                "This client is unusable: create a new one (a sandbox session replaces its sandbox).", gone ?? ex);
            channel.MarkUnusable(unusable);
            return unusable;
        }
    }

    private async Task InterruptForAsync(string reason)
    {
        if (_api is null || KernelId is null)
        {
            return;
        }

        Log.Interrupting(_logger, KernelId, reason);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _api.InterruptAsync(KernelId, timeout.Token).ConfigureAwait(false);
    }
}
