using System.Text.Json;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using static IpyBox.AI.IntegrationTests.ScriptedChatClient;

namespace IpyBox.AI.IntegrationTests.AgentFramework;

/// <summary>A real <see cref="ChatClientAgent"/> over a scripted model, with the IpyBox context provider and real sandboxes.</summary>
public sealed class AgentSessionSandboxTests
{
    private const string NoTightBoundingBox = "%config InlineBackend.print_figure_kwargs = {'bbox_inches': None}\n";

    private static ChatClientAgent Agent(IChatClient pipeline, IpyBoxContextProvider provider) =>
        new(pipeline, new ChatClientAgentOptions { Name = "analyst", AIContextProviders = [provider] });

    private static Dictionary<string, object?> Code(string code) => new() { ["code"] = code };

    [Fact]
    public async Task Two_sessions_of_one_agent_get_two_sandboxes_and_the_model_gets_tools_and_instructions()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var model = new ScriptedChatClient(
            _ => Call("a1", "execute_python", Code("secret = 'alice-secret'")),
            _ => Say("stored"),
            _ => Call("b1", "execute_python", Code("print(globals().get('secret', 'no secret here'))")),
            _ => Say("checked"));
        var agent = Agent(model, new IpyBoxContextProvider(scope.Manager));
        var alice = await agent.CreateSessionAsync();
        var bob = await agent.CreateSessionAsync();

        await agent.RunAsync("remember a secret", alice);
        var response = await agent.RunAsync("is there a secret?", bob);

        Assert.Equal("checked", response.Text);
        Assert.Equal("no secret here", TextOf(ResultOf(model.Requests[3], "b1")));
        Assert.Equal(2, scope.Manager.Count);
        Assert.Equal(
            new[] { IpyBoxContextProvider.GetConversationKey(alice), IpyBoxContextProvider.GetConversationKey(bob) }.Order(),
            scope.Manager.ConversationKeys.Order());
        var options = Assert.IsType<ChatOptions>(model.Options[0]);
        Assert.Contains(options.Tools!, t => t.Name == "execute_python");
        Assert.Contains("stateful", options.Instructions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_serialised_and_restored_session_keeps_its_sandbox_even_in_a_new_agent()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var provider = new IpyBoxContextProvider(scope.Manager);
        var first = new ScriptedChatClient(_ => Call("c1", "execute_python", Code("n = 41")), _ => Say("set"));
        var agent = Agent(first, provider);
        var session = await agent.CreateSessionAsync();
        await agent.RunAsync("set n", session);

        var saved = await agent.SerializeSessionAsync(session);
        var text = JsonSerializer.Serialize(saved);
        var second = new ScriptedChatClient(_ => Call("c2", "execute_python", Code("print(n + 1)")), _ => Say("done"));
        var restartedAgent = Agent(second, provider);
        var restored = await restartedAgent.DeserializeSessionAsync(JsonDocument.Parse(text).RootElement);
        await restartedAgent.RunAsync("print n + 1", restored);

        Assert.Equal("42", TextOf(ResultOf(second.Requests[1], "c2")));
        Assert.Equal(IpyBoxContextProvider.GetConversationKey(session), IpyBoxContextProvider.GetConversationKey(restored));
        Assert.Equal(1, scope.Manager.Count);
    }

    [Fact]
    public async Task Deleting_a_session_ends_its_sandbox()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var provider = new IpyBoxContextProvider(scope.Manager);
        var model = new ScriptedChatClient(_ => Call("c1", "execute_python", Code("1")), _ => Say("ok"));
        var agent = Agent(model, provider);
        var session = await agent.CreateSessionAsync();
        await agent.RunAsync("go", session);
        var sandbox = await scope.SessionAsync(IpyBoxContextProvider.GetConversationKey(session));

        Assert.True(await provider.EndSessionAsync(session));

        Assert.Equal(0, scope.Manager.Count);
        Assert.False(await DockerEngine.ContainerExistsAsync(sandbox.SandboxId));
        Assert.False(await provider.EndSessionAsync(await agent.CreateSessionAsync()));
    }

    [Fact]
    public async Task With_approval_required_the_agent_surfaces_a_request_and_a_rejection_runs_nothing()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { RequireApproval = true });
        var model = new ScriptedChatClient(
            _ => Call("c1", "execute_python", Code("open('/app/ran.txt', 'w').write('ran')")),
            _ => Say("I will not run it then."));
        var agent = Agent(model, new IpyBoxContextProvider(scope.Manager));
        var session = await agent.CreateSessionAsync();

        var first = await agent.RunAsync("write a file", session);
        var request = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>());
        var call = Assert.IsType<FunctionCallContent>(request.ToolCall);
        Assert.Equal("execute_python", call.Name);
        Assert.Single(model.Requests);

        var second = await agent.RunAsync(new ChatMessage(ChatRole.User, [request.CreateResponse(approved: false, "not now")]), session);

        Assert.Equal("I will not run it then.", second.Text);
        var result = ResultOf(model.Requests[1], "c1");
        Assert.Contains("not now", TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, scope.Manager.Count);
    }

    [Fact]
    public async Task An_approved_call_runs_in_the_session_sandbox()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { RequireApproval = true });
        var model = new ScriptedChatClient(_ => Call("c1", "execute_python", Code("print(6 * 7)")), _ => Say("done"));
        var agent = Agent(model, new IpyBoxContextProvider(scope.Manager));
        var session = await agent.CreateSessionAsync();

        var first = await agent.RunAsync("compute", session);
        var request = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>());
        await agent.RunAsync(new ChatMessage(ChatRole.User, [request.CreateResponse(approved: true)]), session);

        Assert.Equal("42", TextOf(ResultOf(model.Requests[1], "c1")));
        Assert.Equal(IpyBoxContextProvider.GetConversationKey(session), Assert.Single(scope.Manager.ConversationKeys));
    }

    [Fact]
    public async Task A_plot_reaches_the_model_in_the_tool_result_or_as_a_user_image_with_forwarding()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var provider = new IpyBoxContextProvider(scope.Manager);
        const string Plot = NoTightBoundingBox + "import matplotlib.pyplot as plt\nplt.figure(figsize=(4, 3), dpi=100)\nplt.plot([1, 3, 2])\nplt.show()";

        // A client that takes images in tool results (e.g. OpenAI Responses): the image stays in the function result.
        var responses = new ScriptedChatClient(_ => Call("c1", "execute_python", Code(Plot)), _ => Say("plotted"));
        var direct = Agent(responses, provider);
        await direct.RunAsync("plot", await direct.CreateSessionAsync());
        var inResult = Assert.IsAssignableFrom<IEnumerable<AIContent>>(ResultOf(responses.Requests[1], "c1").Result);
        Assert.Equal((400, 300), Png.Size(Assert.Single(inResult.OfType<DataContent>()).Data.Span));

        // A client that cannot (e.g. Chat Completions): one pipeline for this agent, forwarding below function invocation.
        var completions = new ScriptedChatClient(_ => Call("c2", "execute_python", Code(Plot)), _ => Say("plotted"));
        var pipeline = new ChatClientBuilder(completions).UseFunctionInvocation().UseIpyBoxImageForwarding().Build();
        var forwarded = Agent(pipeline, provider);
        await forwarded.RunAsync("plot", await forwarded.CreateSessionAsync());
        var request = completions.Requests[1];
        Assert.DoesNotContain(ResultOf(request, "c2").Result is IEnumerable<AIContent> c ? c : [], x => x is DataContent);
        var image = Assert.Single(request.Where(m => m.Role == ChatRole.User).SelectMany(m => m.Contents).OfType<DataContent>());
        Assert.Equal((400, 300), Png.Size(image.Data.Span));
    }

    [Fact]
    public async Task Unbound_tools_given_to_the_agent_find_the_session_through_the_current_run()
    {
        var options = new IpyBoxOptions();
        options.ConversationKeySources.Add(AgentSessionConversationKeySource.Instance);
        await using var scope = await SessionManagerScope.CreateAsync(options);
        var model = new ScriptedChatClient(
            _ => Call("a1", "execute_python", Code("owner = 'first'")),
            _ => Say("ok"),
            _ => Call("b1", "execute_python", Code("print(globals().get('owner', 'nobody'))")),
            _ => Say("ok"));
        var agent = model.AsAIAgent(instructions: "Use Python.", tools: [.. scope.Manager.CreatePlugin().AsAIFunctions()]);
        var first = await agent.CreateSessionAsync();
        var second = await agent.CreateSessionAsync();

        await agent.RunAsync("go", first);
        await agent.RunAsync("go", second);

        Assert.Equal("nobody", TextOf(ResultOf(model.Requests[3], "b1")));
        Assert.Equal(2, scope.Manager.Count);
        Assert.Contains(IpyBoxContextProvider.GetConversationKey(first), scope.Manager.ConversationKeys);
    }
}
