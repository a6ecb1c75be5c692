using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace IpyBox.AI.WebChat.Tests;

/// <summary>
/// The web chat sample as a separate process on 127.0.0.1 and a free port, started as <c>dotnet run</c> starts it, with
/// no chat model configured (the demo model plays). Stopped with SIGTERM, as Ctrl+C stops it, so it removes its sandboxes.
/// </summary>
public sealed class WebChatProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private WebChatProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>Gets the page's address.</summary>
    public Uri Address { get; }

    /// <summary>Gets what the app wrote so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts the app with extra configuration arguments and waits until it answers.</summary>
    public static Task<WebChatProcess> StartAsync(params string[] arguments) => StartAsync(model: null, arguments);

    /// <summary>Starts the app with the chat model at <paramref name="model"/> (OPENAI_BASE_URL), or the demo model, and waits until it answers.</summary>
    public static async Task<WebChatProcess> StartAsync(Uri? model, params string[] arguments)
    {
        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "WebChat.dll"), "--urls", $"http://127.0.0.1:{port}", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        // The demo model or the given one, whatever the machine has configured.
        start.Environment.Remove("OPENAI_API_KEY");
        start.Environment.Remove("OPENAI_BASE_URL");
        if (model is not null)
        {
            start.Environment["OPENAI_BASE_URL"] = model.ToString();
            start.Environment["OPENAI_MODEL"] = "scripted-model";
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the web chat.");
        var app = new WebChatProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { app._output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { app._output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The web chat ended with exit code {process.ExitCode}:\n{app.Output}");
            }

            try
            {
                if ((await http.GetAsync(new Uri(app.Address, "api/state"))).StatusCode == HttpStatusCode.OK)
                {
                    return app;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                await app.DisposeAsync();
                throw new TimeoutException($"The web chat did not answer in time:\n{app.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops the app with SIGTERM and returns its exit code once it has ended (disposing its sandboxes).</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", "TERM", _process.Id.ToString(CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("Could not run kill."))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
