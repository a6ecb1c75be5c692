using System.Diagnostics;

namespace IpyBox.AI.WebChat.Tests;

/// <summary>
/// The web chat sample as a separate process on 127.0.0.1 and a free port, started as <c>dotnet run</c> starts it, with
/// the demo model or a given one. Stopped with SIGTERM, as Ctrl+C stops it, so it removes its sandboxes.
/// </summary>
public sealed class WebChatProcess : IAsyncDisposable
{
    private readonly ServerProcess _process;

    private WebChatProcess(ServerProcess process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>Gets the page's address.</summary>
    public Uri Address { get; }

    /// <summary>Gets what the app wrote so far.</summary>
    public string Output => _process.Output;

    /// <summary>Starts the app with extra configuration arguments and waits until it answers.</summary>
    public static Task<WebChatProcess> StartAsync(params string[] arguments) => StartAsync(model: null, arguments);

    /// <summary>Starts the app with the chat model at <paramref name="model"/> (OPENAI_BASE_URL), or the demo model, and waits until it answers.</summary>
    public static async Task<WebChatProcess> StartAsync(Uri? model, params string[] arguments)
    {
        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet");
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

        var address = new Uri($"http://127.0.0.1:{port}/");
        return new WebChatProcess(await ServerProcess.StartAsync("The web chat", start, new Uri(address, "api/state")), address);
    }

    /// <summary>Stops the app with SIGTERM and returns its exit code once it has ended (disposing its sandboxes).</summary>
    public async Task<int> StopAsync()
    {
        await _process.TerminateAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await _process.WaitForExitAsync(deadline.Token);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
