using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IpyBox.AI;

namespace IpyBox.AI.WebChat.Tests;

/// <summary>The app's own lifecycle, over plain HTTP: without approval the demo runs at once, and stopping the app removes its sandboxes.</summary>
public sealed class WebChatShutdownTests
{
    [Fact]
    public async Task Stopping_the_app_removes_the_sandboxes_of_its_conversations()
    {
        await DockerEngine.EnsureAvailableAsync();
        await using var app = await WebChatProcess.StartAsync("--WebChat:WarmPool=0", "--WebChat:RequireApproval=false");
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = app.Address };
        (await http.GetAsync(new Uri("/", UriKind.Relative))).EnsureSuccessStatusCode();

        var sent = await http.PostAsJsonAsync("api/messages", new { text = "Go ahead." });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var state = await WaitForIdleAsync(http);
        Assert.False(state.GetProperty("requireApproval").GetBoolean());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("pool").ValueKind);

        var key = Assert.Single(cookies.GetCookies(app.Address), c => c.Name == "ipybox-webchat").Value;
        var sandbox = Assert.Single(await DockerEngine.ListAsync("ai.ipybox.conversation", key));
        Assert.Equal(sandbox.ID, state.GetProperty("sandboxId").GetString());

        Assert.Equal(0, await app.StopAsync());
        Assert.Empty(await DockerEngine.ListAsync("ai.ipybox.conversation", key));
    }

    [Fact]
    public async Task A_durable_conversations_sandbox_is_shown_as_durable_and_outlives_the_app()
    {
        await DockerEngine.EnsureAvailableAsync();
        await using var app = await WebChatProcess.StartAsync("--WebChat:Durable=true", "--WebChat:RequireApproval=false");
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = app.Address };
        (await http.GetAsync(new Uri("/", UriKind.Relative))).EnsureSuccessStatusCode();
        await http.PostAsJsonAsync("api/messages", new { text = "Go ahead." });
        var state = await WaitForIdleAsync(http);
        var id = state.GetProperty("sandboxId").GetString()!;
        Assert.True(state.GetProperty("durable").GetBoolean());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("pool").ValueKind);

        Assert.Equal(0, await app.StopAsync());

        // Kept for its lease, as `ipybox ls` would show it; the test removes it with the library's directory.
        var directory = new DockerSandboxProvider().GetService<ISandboxDirectory>()!;
        Assert.Contains(await directory.ListAsync(), sandbox => sandbox.Id == id);
        Assert.True(await directory.DeleteAsync(id));
    }

    private static async Task<JsonElement> WaitForIdleAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var state = await http.GetFromJsonAsync<JsonElement>("api/state");
            if (!state.GetProperty("busy").GetBoolean() && state.GetProperty("sandboxId").ValueKind == JsonValueKind.String)
            {
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The demo turn did not end in time: {state}");
            await Task.Delay(250);
        }
    }
}
