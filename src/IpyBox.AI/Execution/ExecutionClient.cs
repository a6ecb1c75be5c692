using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Websocket.Client;

namespace IpyBox.AI;

/// <summary>
/// One IPython kernel in a container (or any Jupyter Server). Executions on one client share state;
/// two clients have separate kernels. <see cref="ConnectAsync"/> creates the kernel, <see cref="DisposeAsync"/> deletes it.
/// </summary>
public sealed class ExecutionClient : IAsyncDisposable, IJupyterMessageSender
{
    private static readonly TimeSpan s_containerCheckInterval = TimeSpan.FromSeconds(1);

    private readonly Func<CancellationToken, Task>? _throwIfServerGone;
    private readonly JupyterMessageHandlers _handlers;
    private readonly Uri _serverUri;
    private readonly string _token;
    private readonly ILogger _logger;
    private readonly string _sessionId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, Execution> _executions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JupyterMessage>> _replies = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private KernelsApi? _api;
    private WebsocketClient? _socket;
    private readonly SemaphoreSlim _restartGate = new(1, 1);
    private Exception? _connectionError;
    private int _disposed;
    private volatile bool _kernelRestarted;

    /// <summary>Initializes a new instance of the <see cref="ExecutionClient"/> class for a kernel in <paramref name="container"/>.</summary>
    /// <param name="container">A running container.</param>
    /// <param name="options">The client settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    public ExecutionClient(ExecutionContainer container, ExecutionClientOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(Throw.IfNull(container).ServerUri, container.Token, options, loggerFactory, container.ThrowIfNotRunningAsync, handlers: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionClient"/> class for any Jupyter Server (or Enterprise Gateway).</summary>
    /// <param name="serverUri">The server's base address, <c>http</c> or <c>https</c>, with its path prefix if it has one (e.g. <c>https://host/jupyter/</c>).</param>
    /// <param name="token">The server's token.</param>
    /// <param name="options">The client settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentException"><paramref name="serverUri"/> is not an absolute http or https address.</exception>
    public ExecutionClient(Uri serverUri, string token, ExecutionClientOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(serverUri, token, options, loggerFactory, throwIfServerGone: null, handlers: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionClient"/> class.</summary>
    /// <param name="serverUri">The server's base address.</param>
    /// <param name="token">The server's token.</param>
    /// <param name="options">The client settings.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <param name="throwIfServerGone">Throws when the server is known to be gone (a stopped container); asked while the server starts and when the connection drops.</param>
    /// <param name="handlers">The handlers for messages that are not execution output; <see langword="null"/> for none.</param>
    internal ExecutionClient(
        Uri serverUri,
        string token,
        ExecutionClientOptions? options,
        ILoggerFactory? loggerFactory,
        Func<CancellationToken, Task>? throwIfServerGone,
        JupyterMessageHandlers? handlers)
    {
        _serverUri = ServerAddress.Normalize(serverUri);
        _token = Throw.IfNull(token);
        Options = options ?? new ExecutionClientOptions();
        Options.Validate();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ExecutionClient>();
        _throwIfServerGone = throwIfServerGone;
        _handlers = handlers ?? new JupyterMessageHandlers();
    }

    /// <summary>Creates a client for a kernel in <paramref name="container"/> and connects it; the client is disposed when connecting fails.</summary>
    /// <param name="container">A running container.</param>
    /// <param name="options">The client settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="TimeoutException">The server did not answer in time.</exception>
    /// <exception cref="ContainerStartException">The container stopped while the server was starting.</exception>
    public static Task<ExecutionClient> CreateAsync(ExecutionContainer container, ExecutionClientOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        ConnectNewAsync(new ExecutionClient(container, options, loggerFactory), cancellationToken);

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
    /// <exception cref="ContainerStartException">The container stopped while the server was starting.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
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
            KernelId = await CreateKernelAsync(_api, cancellationToken).ConfigureAwait(false);
            Log.KernelCreated(_logger, KernelId);
            _socket = await OpenSocketAsync(KernelId, cancellationToken).ConfigureAwait(false);
            await WaitForKernelInfoAsync(cancellationToken).ConfigureAwait(false);
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
    /// <exception cref="TimeoutException">The execution timed out.</exception>
    /// <exception cref="OperationCanceledException">The execution was cancelled.</exception>
    /// <exception cref="SandboxUnavailableException">The connection to the kernel was lost.</exception>
    /// <exception cref="KernelDiedException">The kernel process died; the server restarted it and its state is lost.</exception>
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
    /// <exception cref="SandboxUnavailableException">The connection to the kernel was lost.</exception>
    public async Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(code);
        if (timeout is { } t)
        {
            Throw.IfNotPositive(t);
        }

        var socket = ThrowIfNotUsable();
        if (_kernelRestarted)
        {
            await WaitForRestartedKernelAsync(cancellationToken).ConfigureAwait(false);
        }

        var (id, frame) = JupyterRequest.Execute(_sessionId, code, allowStdin: !_handlers.IsEmpty);
        var execution = new Execution(id, timeout ?? Options.DefaultTimeout, Options.InterruptGracePeriod, InterruptForAsync);
        _executions[id] = execution;
        _ = execution.Completion.ContinueWith(_ => _executions.TryRemove(id, out Execution? _), TaskScheduler.Default);
        Log.Executing(_logger, id, code);
        try
        {
            await socket.SendInstant(frame).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
            var error = Unavailable("sending the request failed", ex);
            execution.Fail(error);
            throw error;
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

    /// <summary>Closes the channels and deletes the kernel. Idempotent; harmless when the container is gone.</summary>
    /// <returns>A task that completes when the kernel is deleted.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var execution in _executions.Values)
            {
                execution.Fail(new ObjectDisposedException(nameof(ExecutionClient), "The client was disposed during the execution."));
            }

            if (_socket is not null)
            {
                try
                {
                    await _socket.Stop(WebSocketCloseStatus.NormalClosure, "client disposed").WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is WebSocketException or TimeoutException or ObjectDisposedException or InvalidOperationException)
                {
                    // The peer is gone; nothing to close.
                }

                _socket.Dispose();
            }

            if (_api is not null && KernelId is not null)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await _api.DeleteAsync(KernelId, timeout.Token).ConfigureAwait(false);
                    Log.KernelDeleted(_logger, KernelId);
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
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

    private async Task<string> CreateKernelAsync(KernelsApi api, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Options.ConnectTimeout;
        var nextContainerCheck = DateTime.UtcNow + s_containerCheckInterval;
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await api.CreateAsync(Options.KernelName, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                Log.ServerNotReady(_logger, attempt, ex.Message);
                if (DateTime.UtcNow > deadline)
                {
                    if (_throwIfServerGone is not null)
                    {
                        await _throwIfServerGone(cancellationToken).ConfigureAwait(false);
                    }

                    throw new TimeoutException(
                        $"The kernel server at {api.BaseUri} did not create a kernel within {Options.ConnectTimeout.TotalSeconds:0.#} s ({ex.Message}). " +
                        "Increase ExecutionClientOptions.ConnectTimeout if the machine is slow.", ex);
                }

                if (_throwIfServerGone is not null && DateTime.UtcNow > nextContainerCheck)
                {
                    await _throwIfServerGone(cancellationToken).ConfigureAwait(false);
                    nextContainerCheck = DateTime.UtcNow + s_containerCheckInterval;
                }
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or IOException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private async Task<WebsocketClient> OpenSocketAsync(string kernelId, CancellationToken cancellationToken)
    {
        var uri = ServerAddress.KernelChannels(_serverUri, kernelId, _sessionId);
        var socket = new WebsocketClient(uri, () =>
        {
            var native = new ClientWebSocket();
            native.Options.SetRequestHeader("Authorization", $"token {_token}");
            // Detects a peer that vanished without closing (container killed behind a proxy).
            native.Options.KeepAliveInterval = TimeSpan.FromSeconds(5);
            native.Options.KeepAliveTimeout = TimeSpan.FromSeconds(10);
            return native;
        })
        {
            // A silent long computation is normal; losing the connection is reported, not papered over.
            IsReconnectionEnabled = false,
            ReconnectTimeout = null,
            ErrorReconnectTimeout = null,
            // The server completes the handshake only once the kernel answers, which takes a while on a busy machine.
            ConnectTimeout = Options.ConnectTimeout,
            Name = $"kernel-{kernelId}",
        };
        socket.MessageReceived.Subscribe(OnMessage);
        socket.DisconnectionHappened.Subscribe(OnDisconnected);
        try
        {
            await socket.StartOrFail().WaitAsync(Options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    private async Task WaitForKernelInfoAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Options.ConnectTimeout;
        while (true)
        {
            var (id, frame) = JupyterRequest.KernelInfo(_sessionId);
            var reply = new TaskCompletionSource<JupyterMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            _replies[id] = reply;
            try
            {
                await _socket!.SendInstant(frame).ConfigureAwait(false);
                await reply.Task.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                // The kernel is still starting; ask again.
            }
            finally
            {
                _replies.TryRemove(id, out _);
            }
        }
    }

    private async Task WaitForRestartedKernelAsync(CancellationToken cancellationToken)
    {
        await _restartGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_kernelRestarted)
            {
                await WaitForKernelInfoAsync(cancellationToken).ConfigureAwait(false);
                _kernelRestarted = false;
            }
        }
        finally
        {
            _restartGate.Release();
        }
    }

    private void OnMessage(ResponseMessage frame)
    {
        if (frame.MessageType != WebSocketMessageType.Text || frame.Text is null)
        {
            return; // Binary frames carry comm buffers, which executions do not use.
        }

        JupyterMessage? message;
        try
        {
            message = JupyterMessage.Parse(frame.Text);
        }
        catch (JsonException ex)
        {
            Log.UnparsableMessage(_logger, ex);
            return;
        }

        if (message is null)
        {
            return;
        }

        if (message.Channel == "stdin" || message.MessageType.StartsWith("comm_", StringComparison.Ordinal))
        {
            OnHostMessage(message);
            return;
        }

        if (message.ParentId is not { } parentId)
        {
            OnServerStatus(message);
            return;
        }

        if (_executions.TryGetValue(parentId, out var execution))
        {
            execution.Accept(message);
        }
        else if (message.Channel == "iopub" && _replies.TryGetValue(parentId, out var reply))
        {
            // A kernel_info probe counts only once IOPub carries its status: then outputs of later requests arrive too
            // (a restarted kernel answers on shell before the server's IOPub subscription has caught up).
            reply.TrySetResult(message);
        }

        // Anything else belongs to a request that already ended (interrupted or timed out): drop it.
    }

    /// <summary>Passes a stdin request or comm message to the sandbox's handlers; an <c>input_request</c> nobody takes gets an empty reply.</summary>
    private void OnHostMessage(JupyterMessage message)
    {
        bool handled;
        try
        {
            handled = _handlers.Dispatch(message, this);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.MessageHandlerFailed(_logger, message.MessageType, ex);
            handled = false;
        }

        if (!handled && message.MessageType == "input_request")
        {
            _ = SendAsync("stdin", "input_reply", new JsonObject { ["value"] = string.Empty }, message);
        }
    }

    /// <inheritdoc />
    public async Task SendAsync(string channel, string messageType, JsonObject content, JupyterMessage? parent, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(channel);
        Throw.IfNullOrWhiteSpace(messageType);
        Throw.IfNull(content);
        var socket = ThrowIfNotUsable();
        var (_, frame) = JupyterRequest.Create(_sessionId, channel, messageType, content, parent?.Header);
        try
        {
            await socket.SendInstant(frame).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
            throw Unavailable("sending a message failed", ex);
        }
    }

    /// <summary>The server reports a kernel that died with a status message that answers no request.</summary>
    private void OnServerStatus(JupyterMessage message)
    {
        var state = message.MessageType == "status" ? message.GetString("execution_state") : null;
        if (state is not ("restarting" or "dead"))
        {
            return;
        }

        Log.KernelDied(_logger, KernelId ?? "?", state);
        var error = state == "restarting"
            ? new KernelDiedException("The kernel died during the execution (out of memory, a crash or os._exit). The server restarted it: the client stays usable, but variables, imports and other kernel state are lost.")
            : new KernelDiedException("The kernel died and the server could not restart it. Create a new client.");
        if (state == "dead")
        {
            _connectionError = error;
        }
        else
        {
            // Requests sent while the new kernel process starts can be lost: the next submission waits for it.
            _kernelRestarted = true;
        }

        foreach (var execution in _executions.Values)
        {
            execution.Fail(error);
        }
    }

    private void OnDisconnected(DisconnectionInfo info)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var reason = info.Exception?.Message ?? info.CloseStatusDescription ?? info.Type.ToString();
        Log.ConnectionLost(_logger, KernelId ?? "?", reason);
        _ = FailAllAsync(reason, info.Exception);
    }

    private async Task FailAllAsync(string reason, Exception? cause)
    {
        Exception? detail = cause;
        if (_throwIfServerGone is not null)
        {
            try
            {
                // The engine may still report the container as running for a moment after its network went away.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                while (true)
                {
                    await _throwIfServerGone(timeout.Token).ConfigureAwait(false);
                    await Task.Delay(200, timeout.Token).ConfigureAwait(false);
                }
            }
            catch (ContainerStartException ex)
            {
                detail = ex;
                reason = $"{reason}; {ex.Message.Split('\n')[0]}";
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The engine could not tell; report what is known.
            }
        }

        var error = Unavailable(reason, detail);
        _connectionError = error;
        foreach (var execution in _executions.Values)
        {
            execution.Fail(error);
        }
    }

    private SandboxUnavailableException Unavailable(string reason, Exception? cause) =>
        new($"The connection to kernel {KernelId} at {_serverUri} was lost ({reason}). " +
            "The container may have stopped; create a new container and client.", cause);

    /// <summary>Throws when the client cannot take a request: disposed, not connected, its connection lost or its kernel dead.</summary>
    internal void ThrowIfUnusable() => ThrowIfNotUsable();

    private WebsocketClient ThrowIfNotUsable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_connectionError is not null)
        {
            throw _connectionError;
        }

        var socket = _socket ?? throw new InvalidOperationException("The client is not connected; call ConnectAsync first.");
        if (!socket.IsRunning)
        {
            throw Unavailable("the WebSocket is closed", null);
        }

        return socket;
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
