using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IpyBox.AI.TestUtilities;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a real endpoint (the Docker engine's TCP socket), to make that endpoint
/// unreachable for one client and bring it back on the same port, or to cut the requests under way, without touching the
/// engine other tests use.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _connections = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _accepting;
    private string? _loseAnswerTo;
    private int _answerBytesPerTick;
    private (string Text, byte[] Answer)? _cannedAnswer;
    private int _cannedAnswersLeft;
    private string? _holdRequestTo;
    private readonly TaskCompletionSource<HeldRequest> _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TcpProxy(IPEndPoint target)
    {
        _target = target;
    }

    /// <summary>Gets the port the proxy listens on (stays the same across <see cref="Stop"/> and <see cref="Start"/>).</summary>
    public int Port { get; private set; }

    /// <summary>Gets the proxy's address as a Docker endpoint.</summary>
    public Uri Endpoint => new($"tcp://127.0.0.1:{Port}");

    /// <summary>Starts a proxy in front of the engine's TCP socket, <c>tcp://127.0.0.1:2375</c>.</summary>
    public static TcpProxy StartForEngine()
    {
        var proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, 2375));
        proxy.Start();
        return proxy;
    }

    /// <summary>Listens (again) and forwards every new connection.</summary>
    public void Start()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _stop = new CancellationTokenSource();
        _accepting = AcceptAsync(_listener, _stop.Token);
    }

    /// <summary>Stops listening and cuts every open connection: the endpoint refuses connections from now on.</summary>
    public async Task StopAsync()
    {
        if (_listener is null)
        {
            return;
        }

        await _stop!.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting!;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }

        _stop.Dispose();
        _listener = null;
    }

    /// <summary>Cuts every open connection, requests under way included, and keeps listening: the next connection goes through.</summary>
    /// <returns>How many connections (each a client and its upstream) were cut.</returns>
    public int CutConnections()
    {
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            var cut = _connections.Count / 2;
            _connections.Clear();
            return cut;
        }
    }

    /// <summary>
    /// Lets the next request whose bytes contain <paramref name="requestText"/> (<c>POST /v1.41/containers/create</c>, say) reach
    /// the endpoint, which carries it out, and cuts its connection as soon as the endpoint answers: the client never learns
    /// the outcome. Once only.
    /// </summary>
    public void LoseNextAnswerTo(string requestText) => Volatile.Write(ref _loseAnswerTo, requestText);

    /// <summary>
    /// Holds back the next request whose bytes contain <paramref name="requestText"/>: once the whole request has arrived the
    /// client's connection is cut (the client never learns the outcome) and the endpoint has not seen it yet.
    /// <see cref="DeliverHeldRequestAsync"/> hands it to the endpoint later, as a request delayed on its way. Once only.
    /// </summary>
    public void HoldNextRequestTo(string requestText) => Volatile.Write(ref _holdRequestTo, requestText);

    /// <summary>Completes when the request named in <see cref="HoldNextRequestTo"/> is held and its client cut off.</summary>
    public Task RequestHeld => _held.Task;

    /// <summary>Sends the held request to the endpoint and waits for the endpoint's answer, which nobody receives.</summary>
    /// <returns>The status line of the endpoint's answer.</returns>
    public async Task<string> DeliverHeldRequestAsync()
    {
        var held = await _held.Task;
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(_target);
        var stream = upstream.GetStream();
        await stream.WriteAsync(held.Bytes);
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        var answer = Encoding.ASCII.GetString(buffer, 0, read);
        return answer.Split("\r\n")[0];
    }

    /// <summary>
    /// Passes answers on at no more than <paramref name="bytesPerSecond"/> (a client that reads slowly: the endpoint's own
    /// buffers fill), or at full speed again with 0. Applies to connections open now and later.
    /// </summary>
    /// <summary>
    /// Answers the next <paramref name="count"/> requests that contain <paramref name="requestText"/> with
    /// <paramref name="rawHttpAnswer"/> (a whole HTTP/1.1 response) instead of passing them on: the endpoint never sees them.
    /// </summary>
    public void AnswerNextRequestsWith(string requestText, int count, string rawHttpAnswer)
    {
        _cannedAnswer = (requestText, Encoding.ASCII.GetBytes(rawHttpAnswer));
        Volatile.Write(ref _cannedAnswersLeft, count);
    }

    /// <summary>Builds an HTTP/1.1 response with a JSON body, for <see cref="AnswerNextRequestsWith"/>.</summary>
    public static string JsonAnswer(int status, string reason, string json) =>
        $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";

    public void LimitAnswerRate(int bytesPerSecond) => Volatile.Write(ref _answerBytesPerTick, bytesPerSecond / TicksPerSecond);

    public async ValueTask DisposeAsync() => await StopAsync();

    private const int TicksPerSecond = 20;

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(_target, cancellationToken);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(upstream);
            }

            _ = PumpAsync(client, upstream, cancellationToken);
        }
    }

    private async Task PumpAsync(TcpClient client, TcpClient upstream, CancellationToken cancellationToken)
    {
        try
        {
            // Each direction ends on its own (an HTTP client may half-close), then passes the end on.
            var answerLost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await Task.WhenAll(
                CopyRequestsAsync(client, upstream, answerLost, cancellationToken),
                CopyAnswersAsync(upstream, client, answerLost.Task, cancellationToken));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            client.Dispose();
            upstream.Dispose();
            lock (_connections)
            {
                _connections.Remove(client);
                _connections.Remove(upstream);
            }
        }
    }

    private async Task CopyRequestsAsync(TcpClient from, TcpClient to, TaskCompletionSource answerLost, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await from.GetStream().ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (Volatile.Read(ref _holdRequestTo) is { } held
                && Encoding.ASCII.GetString(buffer, 0, read).Contains(held, StringComparison.Ordinal)
                && Interlocked.CompareExchange(ref _holdRequestTo, null, held) == held)
            {
                await HoldAsync(from, to, buffer.AsMemory(0, read).ToArray(), cancellationToken);
                return;
            }

            if (Volatile.Read(ref _loseAnswerTo) is { } text
                && Encoding.ASCII.GetString(buffer, 0, read).Contains(text, StringComparison.Ordinal)
                && Interlocked.CompareExchange(ref _loseAnswerTo, null, text) == text)
            {
                answerLost.TrySetResult();
            }

            if (_cannedAnswer is { } canned
                && Encoding.ASCII.GetString(buffer, 0, read).Contains(canned.Text, StringComparison.Ordinal)
                && Interlocked.Decrement(ref _cannedAnswersLeft) >= 0)
            {
                // One request per exchange (HTTP/1.1 without pipelining), so nothing else writes to the client meanwhile.
                await from.GetStream().WriteAsync(canned.Answer, cancellationToken);
                continue;
            }

            await to.GetStream().WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        to.Client.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Reads the rest of a request (its headers' Content-Length, or a chunked body's last chunk), keeps it, and cuts both connections.</summary>
    private async Task HoldAsync(TcpClient from, TcpClient to, byte[] first, CancellationToken cancellationToken)
    {
        var request = new MemoryStream();
        request.Write(first);
        var buffer = new byte[81920];
        while (!IsWholeRequest(request.ToArray()))
        {
            var read = await from.GetStream().ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            request.Write(buffer, 0, read);
        }

        from.Dispose();
        to.Dispose();
        _held.TrySetResult(new HeldRequest(request.ToArray()));
    }

    private static bool IsWholeRequest(byte[] bytes)
    {
        var text = Encoding.ASCII.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var headers = text[..end];
        if (headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
        }

        var length = headers.Split("\r\n")
            .Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(line => int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
        return bytes.Length >= end + 4 + length;
    }

    private sealed record HeldRequest(byte[] Bytes);

    private async Task CopyAnswersAsync(TcpClient from, TcpClient to, Task answerLost, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await ReadAnswerAsync(from, buffer, cancellationToken)) > 0)
        {
            if (answerLost.IsCompleted)
            {
                // Both ends at once: the request direction would otherwise wait for the client's next request.
                from.Dispose();
                to.Dispose();
                return;
            }

            await to.GetStream().WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        to.Client.Shutdown(SocketShutdown.Send);
    }

    private async Task<int> ReadAnswerAsync(TcpClient from, byte[] buffer, CancellationToken cancellationToken)
    {
        var perTick = Volatile.Read(ref _answerBytesPerTick);
        if (perTick <= 0)
        {
            return await from.GetStream().ReadAsync(buffer, cancellationToken);
        }

        await Task.Delay(TimeSpan.FromSeconds(1.0 / TicksPerSecond), cancellationToken);
        return await from.GetStream().ReadAsync(buffer.AsMemory(0, Math.Min(perTick, buffer.Length)), cancellationToken);
    }
}
