using System.Text.Json;
using IpyBox.AI;

namespace IpyBox.AI.WebChat.Tests;

/// <summary>The app's own lifecycle, over plain HTTP: without approval the demo runs at once; stopping the app removes its sandboxes, or keeps durable ones.</summary>
public sealed class WebChatShutdownTests
{
    [Fact]
    public async Task Stopping_the_app_removes_the_sandboxes_of_its_conversations()
    {
        await DockerEngine.EnsureAvailableAsync();
        await using var app = await WebChatProcess.StartAsync("--WebChat:WarmPool=0", "--WebChat:RequireApproval=false");
        using var session = await WebChatSession.OpenAsync(app);

        var state = await session.SendAndWaitAsync("Go ahead.");
        Assert.False(state.GetProperty("requireApproval").GetBoolean());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("pool").ValueKind);
        var sandbox = Assert.Single(await DockerEngine.ListAsync("ai.ipybox.conversation", session.ConversationKey));
        Assert.Equal(sandbox.ID, state.GetProperty("sandboxId").GetString());

        Assert.Equal(0, await app.StopAsync());
        Assert.Empty(await DockerEngine.ListAsync("ai.ipybox.conversation", session.ConversationKey));
    }

    [Fact]
    public async Task A_durable_conversations_sandbox_is_shown_as_durable_and_outlives_the_app()
    {
        await DockerEngine.EnsureAvailableAsync();
        await using var app = await WebChatProcess.StartAsync("--WebChat:Durable=true", "--WebChat:RequireApproval=false");
        using var session = await WebChatSession.OpenAsync(app);

        var state = await session.SendAndWaitAsync("Go ahead.");
        var id = state.GetProperty("sandboxId").GetString()!;
        Assert.True(state.GetProperty("durable").GetBoolean());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("pool").ValueKind);

        Assert.Equal(0, await app.StopAsync());

        // Kept for its lease, as `ipybox ls` would show it; the test removes it with the library's directory.
        var directory = new DockerSandboxProvider().GetService<ISandboxDirectory>()!;
        Assert.Contains(await directory.ListAsync(), sandbox => sandbox.Id == id);
        Assert.True(await directory.DeleteAsync(id));
    }
}
