namespace IpyBox.AI.WebChat.Tests;

/// <summary>One web chat process (demo model, code approval on, a warm pool of one) and one browser, shared by a class's tests.</summary>
public sealed class WebChatFixture : IAsyncLifetime
{
    private WebChatProcess? _app;
    private ChromiumBrowser? _browser;

    /// <summary>Gets the app.</summary>
    public WebChatProcess App => _app ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>Gets the browser.</summary>
    public ChromiumBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        _app = await WebChatProcess.StartAsync("--WebChat:WarmPool=1");
        _browser = ChromiumBrowser.Start();
    }

    public async Task DisposeAsync()
    {
        _browser?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
