using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace IpyBox.AI;

/// <summary>
/// A kernel's channels WebSocket on a Jupyter Server, authenticated with the server's token. Messages are read in pieces
/// into a <see cref="FrameAssembler"/>, so no message is ever held whole, and the connection can be opened again after a
/// drop (<see cref="ReconnectAsync"/>) under the same session, which lets the server replay what the kernel sent meanwhile.
/// </summary>
internal sealed class WebSocketTransport : IKernelTransport
{
    private const int ReceiveBufferSize = 64 * 1024;

    private readonly Uri _uri;
    private readonly string _token;
    private readonly TimeSpan _connectTimeout;
    private readonly int _maxMessageSize;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly HttpMessageInvoker _handshake;
    private readonly CancellationTokenSource _stop = new();
    private Action<ReadOnlyMemory<byte>> _received = static _ => { };
    private Action<DroppedFrame> _dropped = static _ => { };
    private Action<string, Exception?> _lost = static (_, _) => { };
    private ClientWebSocket? _socket;
    private int _closing;

    /// <summary>Initializes a new instance of the <see cref="WebSocketTransport"/> class; nothing connects until <see cref="StartAsync"/>.</summary>
    /// <param name="uri">The channels address (<c>ws</c> or <c>wss</c>).</param>
    /// <param name="token">The server's token.</param>
    /// <param name="connectTimeout">How long the handshake may take.</param>
    /// <param name="maxMessageSize">The most bytes of one message held (see <see cref="ExecutionClientOptions.MaxMessageSize"/>).</param>
    public WebSocketTransport(Uri uri, string token, TimeSpan connectTimeout, int maxMessageSize)
    {
        _uri = uri;
        _token = token;
        _connectTimeout = connectTimeout;
        _maxMessageSize = maxMessageSize;
        // ClientWebSocket's own handler follows redirects; the handshake goes through one that follows none.
        _handshake = new HttpMessageInvoker(SandboxServerHttp.CreateHandler(connectTimeout));
    }

    /// <inheritdoc />
    public bool IsOpen => _socket?.State == WebSocketState.Open && Volatile.Read(ref _closing) == 0;

    /// <summary>Connects and starts passing received text frames, dropped oversized frames and the loss of the connection to the given callbacks.</summary>
    /// <param name="received">Called on the receive loop with each text frame (valid only during the call; binary frames carry comm buffers, which nothing here uses).</param>
    /// <param name="dropped">Called with what can be read of a frame that was dropped because it exceeded the limit even with its strings cut.</param>
    /// <param name="lost">Called once per connection when it is lost, with the reason and the error if there was one.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <exception cref="HttpRequestException">The server refused the connection; <see cref="HttpRequestException.StatusCode"/> says why (404: no such kernel).</exception>
    /// <exception cref="TimeoutException">The handshake took too long.</exception>
    public Task StartAsync(Action<ReadOnlyMemory<byte>> received, Action<DroppedFrame> dropped, Action<string, Exception?> lost, CancellationToken cancellationToken)
    {
        _received = received;
        _dropped = dropped;
        _lost = lost;
        return ReconnectAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"token {_token}");
        // Keeps proxies and NATs from closing a quiet connection. No pong is awaited: a server busy serializing a message of
        // hundreds of MB answers no ping for minutes on a loaded machine and is not gone. A peer that vanished without closing
        // is found by the execution's timeout: its interrupt and then its kernel restart fail, and the client is marked unusable.
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(5);
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        timeout.CancelAfter(_connectTimeout);
        try
        {
            await socket.ConnectAsync(_uri, _handshake, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            if (ex is OperationCanceledException)
            {
                throw new TimeoutException($"The WebSocket handshake with {_uri.GetLeftPart(UriPartial.Authority)} took longer than {_connectTimeout.TotalSeconds:0.#} s.", ex);
            }

            throw new HttpRequestException(
                status == 0 ? ex.Message : $"The server answered the WebSocket handshake with {(int)status} {status}.",
                ex,
                status == 0 ? null : status);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var old = Interlocked.Exchange(ref _socket, socket);
        old?.Dispose();
        if (Volatile.Read(ref _closing) != 0)
        {
            socket.Dispose();
            return;
        }

        _ = Task.Run(() => ReceiveAsync(socket), CancellationToken.None);
    }

    /// <inheritdoc />
    public async Task SendAsync(string frame)
    {
        var bytes = Encoding.UTF8.GetBytes(frame);
        await _sendLock.WaitAsync(_stop.Token).ConfigureAwait(false);
        try
        {
            var socket = _socket ?? throw new InvalidOperationException("The WebSocket is not connected.");
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _stop.Token).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0 || _socket is not { State: WebSocketState.Open } socket)
        {
            return;
        }

        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client disposed", CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Interlocked.Exchange(ref _closing, 1);
        _stop.Cancel();
        Interlocked.Exchange(ref _socket, null)?.Dispose();
        _handshake.Dispose();
    }

    private async Task ReceiveAsync(ClientWebSocket socket)
    {
        var assembler = new FrameAssembler(_maxMessageSize);
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        var binary = false;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), _stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ReportLost(socket, $"the server closed the connection ({socket.CloseStatus} {socket.CloseStatusDescription})".Replace(" )", ")", StringComparison.Ordinal), null);
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    binary = true;
                }
                else
                {
                    assembler.Append(buffer.AsSpan(0, result.Count));
                }

                if (result.EndOfMessage)
                {
                    if (!assembler.Complete(out var frame))
                    {
                        _dropped(assembler.Dropped());
                    }
                    else if (!binary)
                    {
                        _received(frame);
                    }

                    assembler.Reset();
                    binary = false;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            ReportLost(socket, ex.Message, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reports the loss of <paramref name="socket"/> unless it was closed on purpose or already replaced.</summary>
    private void ReportLost(ClientWebSocket socket, string reason, Exception? cause)
    {
        socket.Dispose();
        if (Volatile.Read(ref _closing) == 0 && ReferenceEquals(Volatile.Read(ref _socket), socket))
        {
            _lost(reason, cause);
        }
    }
}
