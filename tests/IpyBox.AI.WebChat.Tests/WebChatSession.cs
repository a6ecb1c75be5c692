using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace IpyBox.AI.WebChat.Tests;

/// <summary>A browser session of the web chat over plain HTTP: its cookie, its messages and the conversation's state.</summary>
public sealed class WebChatSession : IDisposable
{
    private readonly CookieContainer _cookies = new();
    private readonly Uri _address;
    private readonly HttpClient _http;

    private WebChatSession(Uri address)
    {
        _address = address;
        _http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies }) { BaseAddress = address };
    }

    /// <summary>Gets the conversation key the app gave this session in its cookie.</summary>
    public string ConversationKey => _cookies.GetCookies(_address).Single(c => c.Name == "ipybox-webchat").Value;

    /// <summary>Loads the page, as a browser does first, which gives the session its conversation.</summary>
    public static async Task<WebChatSession> OpenAsync(WebChatProcess app)
    {
        var session = new WebChatSession(app.Address);
        (await session._http.GetAsync(new Uri("/", UriKind.Relative))).EnsureSuccessStatusCode();
        return session;
    }

    /// <summary>Sends a message and returns the state once the model's turn has ended and the conversation has a sandbox.</summary>
    public async Task<JsonElement> SendAndWaitAsync(string text)
    {
        var sent = await _http.PostAsJsonAsync("api/messages", new { text });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var state = await _http.GetFromJsonAsync<JsonElement>("api/state");
            if (!state.GetProperty("busy").GetBoolean() && state.GetProperty("sandboxId").ValueKind == JsonValueKind.String)
            {
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The turn did not end in time: {state}");
            await Task.Delay(250);
        }
    }

    public void Dispose() => _http.Dispose();
}
