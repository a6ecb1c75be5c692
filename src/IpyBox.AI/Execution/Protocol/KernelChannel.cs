using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// The channels of one kernel over one connection: routes what arrives to the execution or request it answers (by
/// parent id), notices a kernel that died or restarted, probes readiness with <c>kernel_info</c>, and passes stdin and
/// comm messages to the sandbox's <see cref="IJupyterMessageHandler"/>s, which reply through this channel.
/// </summary>
internal sealed class KernelChannel : IJupyterMessageSender, IExecutionTimeoutPause, IAsyncDisposable
{
    private static readonly TimeSpan s_probeReplyWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_closeWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_explainDeathWait = TimeSpan.FromSeconds(5);

    private readonly IKernelTransport _transport;
    private readonly string _kernelId;
    private readonly string _sessionId;
    private readonly Uri _serverUri;
    private readonly TimeSpan _readyTimeout;
    private readonly JupyterMessageHandlers _handlers;
    private readonly KernelServerHost _host;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Execution> _executions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JupyterMessage>> _replies = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _restartGate = new(1, 1);
    private readonly TimeSpan _reconnectTimeout;
    private Exception? _connectionError;
    private volatile bool _kernelRestarted;
    private volatile bool _restartRequested;
    private volatile TaskCompletionSource? _reconnected;
    private int _closed;

    /// <summary>Initializes a new instance of the <see cref="KernelChannel"/> class over <paramref name="transport"/>; feed it with <see cref="Receive(ReadOnlyMemory{byte})"/> and <see cref="OnConnectionLost"/>.</summary>
    /// <param name="transport">The connection frames are sent on.</param>
    /// <param name="kernelId">The kernel's id.</param>
    /// <param name="sessionId">The client session the requests are sent in.</param>
    /// <param name="serverUri">The server's base address, for error messages.</param>
    /// <param name="readyTimeout">How long the kernel may take to answer <c>kernel_info</c>.</param>
    /// <param name="handlers">The handlers of messages that are not execution output.</param>
    /// <param name="host">What runs the server: asked whether it is gone when the connection drops, and why a kernel died.</param>
    /// <param name="timeProvider">The clock of the waits.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="reconnectTimeout">How long a dropped connection is tried again before the running executions fail; zero for never.</param>
    public KernelChannel(
        IKernelTransport transport,
        string kernelId,
        string sessionId,
        Uri serverUri,
        TimeSpan readyTimeout,
        JupyterMessageHandlers handlers,
        KernelServerHost host,
        TimeProvider timeProvider,
        ILogger logger,
        TimeSpan reconnectTimeout = default)
    {
        _reconnectTimeout = reconnectTimeout;
        _transport = transport;
        _kernelId = kernelId;
        _sessionId = sessionId;
        _serverUri = serverUri;
        _readyTimeout = readyTimeout;
        _handlers = handlers;
        _host = host;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Gets a value indicating whether a handler could answer an <c>input_request</c>, so executions may allow stdin.</summary>
    public bool AllowsStdin => !_handlers.IsEmpty;

    /// <summary>Opens the WebSocket of a kernel and waits until the kernel answers.</summary>
    /// <param name="serverUri">The server's base address.</param>
    /// <param name="token">The server's token.</param>
    /// <param name="kernelId">The kernel's id.</param>
    /// <param name="sessionId">The client session.</param>
    /// <param name="options">The client settings: connect and reconnect timeouts, message limit, clock.</param>
    /// <param name="handlers">The handlers of messages that are not execution output.</param>
    /// <param name="host">What runs the server.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The open channel.</returns>
    /// <exception cref="TimeoutException">The handshake or the kernel's first answer took too long.</exception>
    public static async Task<KernelChannel> OpenAsync(
        Uri serverUri,
        string token,
        string kernelId,
        string sessionId,
        ExecutionClientOptions options,
        JupyterMessageHandlers handlers,
        KernelServerHost host,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var socket = new WebSocketTransport(ServerAddress.KernelChannels(serverUri, kernelId, sessionId), token, options.ConnectTimeout, options.MaxMessageSize);
        var channel = new KernelChannel(
            socket, kernelId, sessionId, serverUri, options.ConnectTimeout, handlers, host, options.TimeProvider, logger, options.ReconnectTimeout);
        try
        {
            await socket.StartAsync(channel.Receive, channel.OnFrameDropped, channel.OnConnectionLost, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        try
        {
            await channel.WaitForKernelInfoAsync(cancellationToken).ConfigureAwait(false);
            return channel;
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Throws when nothing can be sent: the kernel is dead, the connection was lost or closed.</summary>
    /// <exception cref="KernelUnavailableException">The connection is lost.</exception>
    /// <exception cref="KernelDiedException">The kernel died and the server could not restart it.</exception>
    /// <summary>Gets a value indicating whether the server reported the kernel dead: it died and could not be restarted.</summary>
    public bool KernelDead => Volatile.Read(ref _connectionError) is KernelDiedException;

    public void ThrowIfUnusable()
    {
        if (_connectionError is not null)
        {
            throw _connectionError;
        }

        if (!_transport.IsOpen && _reconnected is null)
        {
            throw Unavailable("the WebSocket is closed", null);
        }
    }

    /// <summary>
    /// Restarts the kernel on the client's request (see <see cref="ExecutionClient.RestartAsync"/>): the server's restart notices are
    /// expected and fail nothing, every running execution ends with <paramref name="error"/>, and the next submission waits for the
    /// new kernel to answer.
    /// </summary>
    /// <param name="restart">Asks the server to restart the kernel.</param>
    /// <param name="error">What the running executions end with.</param>
    /// <param name="cancellationToken">Cancels the restart.</param>
    public async Task RestartAsync(Func<CancellationToken, Task> restart, Exception error, CancellationToken cancellationToken)
    {
        _restartRequested = true;
        try
        {
            await restart(cancellationToken).ConfigureAwait(false);
            _kernelRestarted = true;
        }
        finally
        {
            _restartRequested = false;
        }

        foreach (var execution in _executions.Values)
        {
            execution.Fail(error);
        }
    }

    /// <summary>Marks the channel unusable with <paramref name="error"/>: every running and later request fails with it.</summary>
    public void MarkUnusable(Exception error)
    {
        _connectionError = error;
        foreach (var execution in _executions.Values)
        {
            execution.Fail(error);
        }
    }

    /// <summary>Routes the messages of <paramref name="execution"/> to it until it completes.</summary>
    public void Track(Execution execution)
    {
        _executions[execution.Id] = execution;
        _ = execution.Completion.ContinueWith(_ => _executions.TryRemove(execution.Id, out Execution? _), TaskScheduler.Default);
    }

    /// <inheritdoc />
    public IDisposable? PauseTimeout(string? executionId) =>
        executionId is not null && _executions.TryGetValue(executionId, out var execution) ? execution.PauseTimeout() : null;

    /// <summary>Waits for a kernel the server restarted to answer before anything else is sent to it (requests sent while it starts can be lost).</summary>
    /// <exception cref="KernelDiedException">The restarted kernel did not answer in time; the channel is unusable from now on.</exception>
    public async Task WaitIfRestartedAsync(CancellationToken cancellationToken)
    {
        if (!_kernelRestarted)
        {
            return;
        }

        await _restartGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_kernelRestarted)
            {
                try
                {
                    await WaitForKernelInfoAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException late)
                {
                    // The kernel the server started in place of a dead one is as good as dead: its start hangs, or the
                    // machine is too busy to start it. Every later request would wait as long again; a new kernel is needed.
                    var dead = new KernelDiedException(
                        $"The kernel died and the one the server started in its place did not answer within {_readyTimeout.TotalSeconds:0.#} s. " +
                        "Create a new client; a sandbox starts a new kernel at its next call.",
                        late);
                    MarkUnusable(dead);
                    throw dead;
                }

                _kernelRestarted = false;
            }
        }
        finally
        {
            _restartGate.Release();
        }
    }

    /// <summary>Asks the kernel for its info until it answers on IOPub, so outputs of later requests arrive too.</summary>
    /// <exception cref="TimeoutException">The kernel did not answer in time.</exception>
    public Task WaitForKernelInfoAsync(CancellationToken cancellationToken) =>
        Poll.UntilAsync(
            $"kernel {_kernelId} to answer a kernel_info request",
            async ct =>
            {
                var (id, frame) = JupyterRequest.KernelInfo(_sessionId);
                var reply = new TaskCompletionSource<JupyterMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
                _replies[id] = reply;
                try
                {
                    await _transport.SendAsync(frame).ConfigureAwait(false);
                    await reply.Task.WaitAsync(s_probeReplyWait, _time, ct).ConfigureAwait(false);
                    return true;
                }
                catch (TimeoutException)
                {
                    // The kernel is still starting; ask again.
                    return false;
                }
                finally
                {
                    _replies.TryRemove(id, out _);
                }
            },
            PollSchedule.Fixed(_readyTimeout, TimeSpan.Zero),
            _time,
            cancellationToken);

    /// <summary>Sends a request frame.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="cancellationToken">Cancels the wait for the connection to take the frame.</param>
    /// <exception cref="KernelUnavailableException">The connection refused the frame.</exception>
    public async Task SendFrameAsync(string frame, CancellationToken cancellationToken)
    {
        try
        {
            await WaitWhileReconnectingAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfUnusable();
            await _transport.SendAsync(frame).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
            throw Unavailable("sending the request failed", ex);
        }
    }

    /// <inheritdoc />
    public async Task SendAsync(string channel, string messageType, JsonObject content, JupyterMessage? parent, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(channel);
        Throw.IfNullOrWhiteSpace(messageType);
        Throw.IfNull(content);
        if (Volatile.Read(ref _closed) != 0)
        {
            throw new ObjectDisposedException(nameof(ExecutionClient), "The kernel client was disposed.");
        }

        ThrowIfUnusable();
        var (_, frame) = JupyterRequest.Create(_sessionId, channel, messageType, content, parent?.Header);
        try
        {
            await WaitWhileReconnectingAsync(cancellationToken).ConfigureAwait(false);
            await _transport.SendAsync(frame).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
            throw Unavailable("sending a message failed", ex);
        }
    }

    /// <summary>Takes one text frame from the connection, as text.</summary>
    public void Receive(string frame)
    {
        var assembler = new FrameAssembler(int.MaxValue / 2);
        assembler.Append(System.Text.Encoding.UTF8.GetBytes(frame));
        assembler.Complete(out var bytes);
        Receive(bytes);
    }

    /// <summary>Takes one text frame from the connection, as UTF-8 (see <see cref="FrameAssembler"/>). A frame that cannot be parsed or handled is logged and dropped; it never ends the connection.</summary>
    public void Receive(ReadOnlyMemory<byte> frame)
    {
        try
        {
            if (JupyterMessage.Parse(frame) is { } message)
            {
                Route(message);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            Log.UnparsableMessage(_logger, ex);
        }
    }

    /// <summary>
    /// Takes the news that a frame was dropped for its size: the execution it answers gets a marker that says what was dropped
    /// and which option raises the limit. A frame whose request could not be read is reported to every running execution
    /// rather than to none; one that answers a request that already ended is only logged.
    /// </summary>
    /// <param name="frame">What could be read of the frame.</param>
    public void OnFrameDropped(DroppedFrame frame)
    {
        Log.MessageTooLarge(_logger, _kernelId, frame.Size);
        if (frame.ParentId is null)
        {
            var marker = frame.Describe(attributed: false);
            foreach (var execution in _executions.Values)
            {
                execution.AcceptDropped(marker, DroppedFrame.LimitOption);
            }
        }
        else if (_executions.TryGetValue(frame.ParentId, out var execution))
        {
            execution.AcceptDropped(frame.Describe(attributed: true), DroppedFrame.LimitOption);
        }
    }

    private void Route(JupyterMessage message)
    {
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

    /// <summary>
    /// Takes the news that the connection is lost: it is opened again while the kernel is there (running executions go on, the
    /// server replays what they sent meanwhile); when that fails, every running execution fails with a <see cref="KernelUnavailableException"/>.
    /// </summary>
    /// <param name="reason">What the connection reported.</param>
    /// <param name="cause">The connection's error, if any.</param>
    public void OnConnectionLost(string reason, Exception? cause)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        Log.ConnectionLost(_logger, _kernelId, reason);
        if (_reconnectTimeout <= TimeSpan.Zero || _connectionError is not null)
        {
            _ = FailAllAsync(reason, cause);
            return;
        }

        _reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = ReconnectAsync(reason, cause);
    }

    /// <summary>Ends every running execution with <paramref name="error"/> and closes the connection. Idempotent.</summary>
    /// <param name="error">The error the running executions end with.</param>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async Task CloseAsync(Exception error)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        foreach (var execution in _executions.Values)
        {
            execution.Fail(error);
        }

        try
        {
            await _transport.CloseAsync().WaitAsync(s_closeWait).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer is gone; nothing to close.
        }

        _transport.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() =>
        await CloseAsync(new ObjectDisposedException(nameof(ExecutionClient), "The client was disposed during the execution.")).ConfigureAwait(false);

    /// <summary>Passes a stdin request or comm message to the handlers; an <c>input_request</c> nobody takes gets an empty reply.</summary>
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

    /// <summary>The server reports a kernel that died with a status message that answers no request.</summary>
    private void OnServerStatus(JupyterMessage message)
    {
        var state = message.MessageType == "status" ? message.GetString("execution_state") : null;
        if (state is not ("restarting" or "dead") || (state == "restarting" && _restartRequested))
        {
            return;
        }

        Log.KernelDied(_logger, _kernelId, state);
        if (state == "restarting")
        {
            // Requests sent while the new kernel process starts can be lost: the next submission waits for it.
            _kernelRestarted = true;
        }

        var dying = _executions.Values.ToArray();
        if (_host.ExplainKernelDeath is null)
        {
            FailDied(state, reason: null, dying);
        }
        else
        {
            _ = ExplainAndFailDiedAsync(state, dying);
        }
    }

    private async Task ExplainAndFailDiedAsync(string state, Execution[] dying)
    {
        string? reason = null;
        try
        {
            using var wait = new CancellationTokenSource(s_explainDeathWait, _time);
            reason = await _host.ExplainKernelDeath!(wait.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The cause stays unknown; the general message says what it may have been.
        }

        FailDied(state, reason, dying);
    }

    private void FailDied(string state, string? reason, Execution[] dying)
    {
        var cause = reason ?? "out of memory, a crash or os._exit";
        var error = state == "restarting"
            ? new KernelDiedException($"The kernel died during the execution ({cause}). The server restarted it: the client stays usable, but variables, imports and other kernel state are lost.")
            : new KernelDiedException($"The kernel died ({cause}) and the server could not restart it. Create a new client.");
        if (state == "dead")
        {
            _connectionError = error;
        }

        foreach (var execution in dying)
        {
            execution.Fail(error);
        }
    }

    /// <summary>Opens the connection again until it works, the kernel is known to be gone, or the reconnect timeout passes.</summary>
    private async Task ReconnectAsync(string reason, Exception? cause)
    {
        var reconnected = _reconnected!;
        Exception? lastError = cause;
        Exception? serverGone = null;
        try
        {
            await Poll.UntilAsync(
                $"the connection to kernel {_kernelId} to be opened again",
                async ct =>
                {
                    if (Volatile.Read(ref _closed) != 0)
                    {
                        return true;
                    }

                    try
                    {
                        await _transport.ReconnectAsync(ct).ConfigureAwait(false);
                        return true;
                    }
                    catch (HttpRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
                    {
                        throw _host.Unavailable(
                            $"The kernel {_kernelId} no longer exists on {_serverUri} (it was shut down or deleted); its state is lost. Create a new client or sandbox.", ex);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TimeoutException or WebSocketException or IOException)
                    {
                        lastError = ex;

                        // A stopped container will not come back: say so now instead of trying until the timeout.
                        serverGone = await _host.FindServerGoneAsync(ct).ConfigureAwait(false);
                        return serverGone is not null;
                    }
                },
                PollSchedule.Backoff(_reconnectTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)),
                _time,
                CancellationToken.None).ConfigureAwait(false);
            if (serverGone is null)
            {
                Log.Reconnected(_logger, _kernelId);
            }
            else
            {
                Log.ReconnectFailed(_logger, _kernelId, serverGone.Message);
                await FailAllAsync(reason, serverGone, serverKnownGone: true).ConfigureAwait(false);
            }
        }
        catch (KernelUnavailableException gone)
        {
            Log.ReconnectFailed(_logger, _kernelId, gone.Message);
            MarkUnusable(gone);
        }
        catch (TimeoutException)
        {
            Log.ReconnectFailed(_logger, _kernelId, lastError?.Message ?? reason);
            await FailAllAsync($"{reason}; reconnecting for {_reconnectTimeout.TotalSeconds:0.#} s failed: {lastError?.Message}", lastError).ConfigureAwait(false);
        }
        finally
        {
            _reconnected = null;
            reconnected.TrySetResult();
        }
    }

    /// <summary>Holds a send while the connection is being opened again.</summary>
    private Task WaitWhileReconnectingAsync(CancellationToken cancellationToken) =>
        _reconnected is { } reconnected ? reconnected.Task.WaitAsync(cancellationToken) : Task.CompletedTask;

    private async Task FailAllAsync(string reason, Exception? cause, bool serverKnownGone = false)
    {
        var gone = serverKnownGone ? cause : await _host.FindServerGoneSoonAsync(_time).ConfigureAwait(false);
        var error = gone is null ? Unavailable(reason, cause) : ServerGone(gone);
        _connectionError = error;
        foreach (var execution in _executions.Values)
        {
            execution.Fail(error);
        }
    }

    /// <summary>The error for a kernel whose server is gone: the cause the host found comes first, not the transport's error.</summary>
    private KernelUnavailableException ServerGone(Exception gone) =>
        _host.Unavailable(
            $"The sandbox's kernel server is gone: {gone.Message.Split('\n')[0]} The connection to kernel {_kernelId} at {_serverUri} was lost " +
            "with it, and the kernel's state too; create a new sandbox (or a new container and client).",
            gone);

    private KernelUnavailableException Unavailable(string reason, Exception? cause) =>
        _host.Unavailable($"The connection to kernel {_kernelId} at {_serverUri} was lost ({reason}). " +
            "The server or its container may have stopped; create a new sandbox (or a new container and client).", cause);
}
