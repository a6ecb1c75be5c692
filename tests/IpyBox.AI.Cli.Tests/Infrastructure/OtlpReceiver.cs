using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace IpyBox.AI.Cli.Tests;

/// <summary>
/// A loopback OTLP/HTTP endpoint that keeps the bodies posted to <c>/v1/traces</c> and <c>/v1/metrics</c> (protobuf, as sent)
/// and answers 200. Enough to see that an exporter sent what it should: span, metric and attribute names are plain strings in
/// the protobuf bytes.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> _bodies = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public OtlpReceiver()
    {
        Endpoint = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        _listener.Prefixes.Add($"{Endpoint}");
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    /// <summary>Gets the base address to give as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets everything posted to <paramref name="path"/> so far, as Latin-1 text (so that every byte is kept).</summary>
    public string Received(string path) =>
        string.Concat((_bodies.TryGetValue(path, out var bodies) ? bodies : []).Select(b => Encoding.Latin1.GetString(b)));

    /// <summary>Waits until everything posted to <paramref name="path"/> holds all of <paramref name="needles"/>, or two minutes pass.</summary>
    /// <returns>Whether it does.</returns>
    public async Task<bool> WaitForAsync(string path, params string[] needles)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var received = Received(path);
            if (needles.All(n => received.Contains(n, StringComparison.Ordinal)))
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ReceiveAsync()
    {
        while (await LoopbackListener.NextAsync(_listener) is { } context)
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _bodies.GetOrAdd(context.Request.Url!.AbsolutePath, _ => new()).Enqueue(body.ToArray());
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }
}
