using System.Text.Json;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using static IpyBox.AI.IntegrationTests.ScriptedChatClient;

namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// Session managers with <see cref="IpyBoxOptions.Durability"/> on a real engine. Each manager stands for a process: a
/// second one, made after the first was disposed, finds the conversation's sandbox by its key.
/// </summary>
[Collection(DurableSandboxCollection.Name)]
public sealed class DurableSessionTests(DurableSandboxFixture fixture)
{
    [Fact]
    public async Task A_restored_agent_session_in_a_new_manager_gets_its_sandbox_back_with_its_variables()
    {
        var scope = "af-" + fixture.RunId;
        string key;
        string text;
        await using (var before = NewManager(scope))
        {
            var model = new ScriptedChatClient(_ => Call("c1", "execute_python", new Dictionary<string, object?> { ["code"] = "n = 41" }), _ => Say("set"));
            var agent = Agent(model, before);
            var session = await agent.CreateSessionAsync();
            await agent.RunAsync("set n", session);
            key = IpyBoxContextProvider.GetConversationKey(session)!;
            text = JsonSerializer.Serialize(await agent.SerializeSessionAsync(session));
        }

        await using var after = NewManager(scope);
        var second = new ScriptedChatClient(_ => Call("c2", "execute_python", new Dictionary<string, object?> { ["code"] = "print(n + 1)" }), _ => Say("done"));
        var restartedAgent = Agent(second, after);
        var restored = await restartedAgent.DeserializeSessionAsync(JsonDocument.Parse(text).RootElement);
        await restartedAgent.RunAsync("print n + 1", restored);

        Assert.Equal("42", TextOf(ResultOf(second.Requests[1], "c2")));
        var sandboxId = Assert.Single(after.Sessions).SandboxId;
        Assert.True(await after.EndSessionAsync(key));
        Assert.False(await DockerEngine.ContainerExistsAsync(sandboxId));
    }

    [Fact]
    public async Task An_idle_conversation_is_stopped_and_its_next_call_resumes_it_with_files_and_a_notice_to_the_model()
    {
        var scope = "idle-" + fixture.RunId;
        await using var manager = NewManager(scope, idle: TimeSpan.FromSeconds(1));
        var tools = new SandboxTools(manager);
        await tools.ExecuteAsync("thread", "x = 1\nopen('kept.txt', 'w').write('file kept')");
        var sandboxId = Assert.Single(manager.Sessions).SandboxId;

        var directory = manager.Provider.GetService<ISandboxDirectory>()!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await directory.FindAsync(sandboxId))?.State != SandboxState.Stopped && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(SandboxState.Stopped, (await directory.FindAsync(sandboxId))!.State);
        Assert.Equal(0, manager.Count);

        var result = await tools.ExecuteAsync("thread", "print(open('kept.txt').read(), 'x' in globals())");

        var output = Assert.IsType<TextContent>(result.Contents[0]).Text;
        Assert.StartsWith("Note: This sandbox was stopped", output, StringComparison.Ordinal);
        Assert.EndsWith("file kept False", output, StringComparison.Ordinal);
        Assert.Equal(sandboxId, Assert.Single(manager.Sessions).SandboxId);
        Assert.True(await manager.EndSessionAsync("thread"));
    }

    private SandboxSessionManager NewManager(string scope, TimeSpan? idle = null)
    {
        var options = new IpyBoxOptions
        {
            SessionIdleTimeout = idle ?? TimeSpan.FromMinutes(15),
            Durability = new DurableSessionOptions { Scope = scope, Lease = TimeSpan.FromMinutes(5) },
        };
        options.Container.Labels[DockerEngine.TestLabel] = fixture.RunId;
        return new SandboxSessionManager(options);
    }

    private static ChatClientAgent Agent(IChatClient model, SandboxSessionManager manager) =>
        new(model, new ChatClientAgentOptions { Name = "analyst", AIContextProviders = [new IpyBoxContextProvider(manager)] });
}
