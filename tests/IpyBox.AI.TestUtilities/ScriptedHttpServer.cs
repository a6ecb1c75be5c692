using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IpyBox.AI.TestUtilities;

/// <summary>
/// An HTTP server on 127.0.0.1 that answers each request with what a callback returns: enough to show how the Jupyter-server
/// backend reads answers a real server gives only in unusual setups (a gateway without files, a proxy's login redirect);
/// WebSocket requests go to an optional second callback.
/// </summary>
public sealed class ScriptedHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerRequest, (int Status, string Body, string? Location)> _answer;
    private readonly Func<HttpListenerContext, Task>? _webSocket;
    private readonly Task _loop;

    public ScriptedHttpServer(Func<HttpListenerRequest, (int Status, string Body, string? Location)> answer, Func<HttpListenerContext, Task>? webSocket = null)
    {
        _answer = answer;
        _webSocket = webSocket;
        Uri = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/base/");

        _listener.Prefixes.Add(Uri.AbsoluteUri);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Uri { get; }

    public List<string> Requests { get; } = [];

    public void Dispose()
    {
        _listener.Close();
        _ = _loop.Exception;
    }

    private async Task ServeAsync()
    {
        while (await LoopbackListener.NextAsync(_listener) is { } context)
        {
            lock (Requests)
            {
                Requests.Add($"{context.Request.HttpMethod} {context.Request.Url!.PathAndQuery}");
            }

            if (_webSocket is not null && context.Request.IsWebSocketRequest)
            {
                _ = Task.Run(() => _webSocket(context));
                continue;
            }

            var (status, body, location) = _answer(context.Request);
            context.Response.StatusCode = status;
            if (location is not null)
            {
                context.Response.RedirectLocation = location;
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
