using System.Runtime.CompilerServices;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using static IpyBox.AI.IntegrationTests.ScriptedChatClient;

namespace IpyBox.AI.IntegrationTests.AgentFramework;

/// <summary>
/// The tools the context provider gives a real <see cref="ChatClientAgent"/>, seen by a scripted model; no tool is called,
/// so no sandbox starts (a fake provider stands behind the manager).
/// </summary>
public sealed class IpyBoxContextProviderTests : IAsyncDisposable
{
    private readonly SandboxSessionManager _sessions = new(new FakeSandboxProvider());

    public ValueTask DisposeAsync() => _sessions.DisposeAsync();

    [Fact]
    public async Task A_session_gets_the_same_tool_instances_on_every_run_and_another_session_other_ones()
    {
        var model = new ScriptedChatClient(_ => Say("1"), _ => Say("2"), _ => Say("3"));
        var agent = Agent(model, new IpyBoxContextProvider(_sessions));
        var alice = await agent.CreateSessionAsync();
        var bob = await agent.CreateSessionAsync();

        await agent.RunAsync("first", alice);
        await agent.RunAsync("second", alice);
        await agent.RunAsync("third", bob);

        var (aliceFirst, aliceSecond, bobs) = (ToolsOf(model, 0), ToolsOf(model, 1), ToolsOf(model, 2));
        Assert.Contains(aliceFirst, t => t.Name == "execute_python");
        Assert.Equal(aliceFirst.Count, bobs.Count);
        Assert.Equal(aliceFirst, aliceSecond, ReferenceEqualityComparer.Instance);
        Assert.Empty(aliceFirst.Intersect(bobs, ReferenceEqualityComparer.Instance));
        Assert.Empty(_sessions.ConversationKeys);
    }

    [Fact]
    public async Task The_key_in_the_session_state_decides_the_tools()
    {
        var model = new ScriptedChatClient(_ => Say("1"), _ => Say("2"));
        var provider = new IpyBoxContextProvider(_sessions);
        var agent = Agent(model, provider);
        var session = await agent.CreateSessionAsync();
        await agent.RunAsync("first", session);
        var firstKey = IpyBoxContextProvider.GetConversationKey(session);

        Assert.True(session.StateBag.TryRemoveValue(Assert.Single(provider.StateKeys)));
        await agent.RunAsync("second", session);

        Assert.NotEqual(firstKey, IpyBoxContextProvider.GetConversationKey(session));
        Assert.Empty(ToolsOf(model, 0).Intersect(ToolsOf(model, 1), ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public async Task The_provider_does_not_keep_a_session_alive()
    {
        var provider = new IpyBoxContextProvider(_sessions);

        var session = await RunOnceAsync(provider);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(session.IsAlive);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> RunOnceAsync(IpyBoxContextProvider provider)
    {
        var agent = Agent(new ScriptedChatClient(_ => Say("1")), provider);
        var session = await agent.CreateSessionAsync();
        await agent.RunAsync("first", session);
        return new WeakReference(session);
    }

    private static ChatClientAgent Agent(IChatClient model, IpyBoxContextProvider provider) =>
        new(model, new ChatClientAgentOptions { Name = "analyst", AIContextProviders = [provider] });

    private static IList<AITool> ToolsOf(ScriptedChatClient model, int request) =>
        Assert.IsType<ChatOptions>(model.Options[request]).Tools!;
}
