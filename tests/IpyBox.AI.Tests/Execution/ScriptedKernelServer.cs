using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace IpyBox.AI.Tests;

/// <summary>
/// A Jupyter Server on 127.0.0.1 with one kernel that answers kernel_info requests and never finishes a cell: enough for a
/// real <see cref="ExecutionClient"/> to connect over HTTP and WebSocket, time out, interrupt and ask for a restart, which
/// the server answers with <see cref="RestartStatus"/>.
/// </summary>
internal sealed class ScriptedKernelServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ScriptedKernelServer()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Uri = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
            probe.Stop();
        }

        _listener.Prefixes.Add(Uri.AbsoluteUri);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Uri { get; }

    /// <summary>Gets or sets the status code of the answer to a restart request.</summary>
    public int RestartStatus { get; set; } = 500;

    /// <summary>Gets the requests received, as method and path; for the WebSocket, the message types received on it.</summary>
    public List<string> Requests { get; } = [];

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _ = _loop.Exception;
    }

    private void Record(string request)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var path = context.Request.Url!.AbsolutePath;
            Record($"{context.Request.HttpMethod} {path}");
            if (context.Request.IsWebSocketRequest)
            {
                _ = Task.Run(() => ServeChannelsAsync(context));
                continue;
            }

            var (status, body) = (context.Request.HttpMethod, path) switch
            {
                ("POST", "/api/kernels") => (201, """{"id": "kernel-1", "name": "python3"}"""),
                ("POST", "/api/kernels/kernel-1/interrupt") => (204, string.Empty),
                ("POST", "/api/kernels/kernel-1/restart") => (RestartStatus, """{"message": "Kernel restart failed"}"""),
                ("DELETE", "/api/kernels/kernel-1") => (204, string.Empty),
                _ => (404, """{"message": "Not Found"}"""),
            };
            context.Response.StatusCode = status;
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private async Task ServeChannelsAsync(HttpListenerContext context)
    {
        try
        {
            using var socket = (await context.AcceptWebSocketAsync(subProtocol: null)).WebSocket;
            var buffer = new byte[64 * 1024];
            while (socket.State == WebSocketState.Open)
            {
                using var frame = new MemoryStream();
                WebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer, _stop.Token);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    frame.Write(buffer, 0, received.Count);
                }
                while (!received.EndOfMessage);

                var message = JsonNode.Parse(frame.ToArray())!;
                var type = (string)message["header"]!["msg_type"]!;
                var id = (string)message["header"]!["msg_id"]!;
                Record($"ws {type}");
                string[] answers = type switch
                {
                    "kernel_info_request" => [Frames.KernelInfoReply(id), Frames.Status(id, "idle")],
                    "execute_request" => [Frames.Status(id, "busy")], // a cell that ignores the interrupt: never ends
                    _ => [],
                };
                foreach (var answer in answers)
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(answer), WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpListenerException or ObjectDisposedException)
        {
            // The client or the test ended the connection.
        }
    }
}
