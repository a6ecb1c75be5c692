using System.Net.WebSockets;
using Websocket.Client;

namespace IpyBox.AI;

/// <summary>A kernel's channels WebSocket on a Jupyter Server, authenticated with the server's token.</summary>
internal sealed class WebSocketTransport : IKernelTransport
{
    private readonly WebsocketClient _socket;

    /// <summary>Initializes a new instance of the <see cref="WebSocketTransport"/> class; nothing connects until <see cref="StartAsync"/>.</summary>
    /// <param name="uri">The channels address (<c>ws</c> or <c>wss</c>).</param>
    /// <param name="token">The server's token.</param>
    /// <param name="connectTimeout">How long the handshake may take.</param>
    /// <param name="name">The connection's name in the client library's logs.</param>
    public WebSocketTransport(Uri uri, string token, TimeSpan connectTimeout, string name)
    {
        _socket = new WebsocketClient(uri, () =>
        {
            var native = new ClientWebSocket();
            native.Options.SetRequestHeader("Authorization", $"token {token}");
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
            ConnectTimeout = connectTimeout,
            Name = name,
        };
    }

    /// <inheritdoc />
    public bool IsOpen => _socket.IsRunning;

    /// <summary>Connects and starts passing received text frames and the loss of the connection to the given callbacks.</summary>
    /// <param name="received">Called on the receive loop with each text frame (binary frames carry comm buffers, which nothing here uses).</param>
    /// <param name="lost">Called when the connection is lost, with the reason and the error if there was one.</param>
    /// <param name="timeout">How long the handshake may take.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    public async Task StartAsync(Action<string> received, Action<string, Exception?> lost, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _socket.MessageReceived.Subscribe(frame =>
        {
            if (frame.MessageType == WebSocketMessageType.Text && frame.Text is not null)
            {
                received(frame.Text);
            }
        });
        _socket.DisconnectionHappened.Subscribe(info =>
            lost(info.Exception?.Message ?? info.CloseStatusDescription ?? info.Type.ToString(), info.Exception));
        await _socket.StartOrFail().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task SendAsync(string frame) => _socket.SendInstant(frame);

    /// <inheritdoc />
    public Task CloseAsync() => _socket.Stop(WebSocketCloseStatus.NormalClosure, "client disposed");

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();
}
