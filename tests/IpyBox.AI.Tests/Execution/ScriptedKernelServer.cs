using System.Net;
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
    private readonly CancellationTokenSource _stop = new();
    private readonly ScriptedHttpServer _http;

    public ScriptedKernelServer() => _http = new ScriptedHttpServer(Answer, ServeChannelsAsync);

    public Uri Uri => _http.Uri;

    /// <summary>Gets or sets the status code of the answer to a restart request.</summary>
    public int RestartStatus { get; set; } = 500;

    /// <summary>Gets the requests received, as method and path below <see cref="Uri"/>, and the message types received on the WebSocket.</summary>
    public List<string> Requests => _http.Requests;

    public void Dispose()
    {
        _stop.Cancel();
        _http.Dispose();
        _stop.Dispose();
    }

    private (int Status, string Body, string? Location) Answer(HttpListenerRequest request) =>
        (request.HttpMethod, request.Url!.AbsolutePath) switch
        {
            ("POST", "/base/api/kernels") => (201, """{"id": "kernel-1", "name": "python3"}""", null),
            ("POST", "/base/api/kernels/kernel-1/interrupt") => (204, string.Empty, null),
            ("POST", "/base/api/kernels/kernel-1/restart") => (RestartStatus, """{"message": "Kernel restart failed"}""", null),
            ("DELETE", "/base/api/kernels/kernel-1") => (204, string.Empty, null),
            _ => (404, """{"message": "Not Found"}""", null),
        };

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
                lock (Requests)
                {
                    Requests.Add($"ws {type}");
                }

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
