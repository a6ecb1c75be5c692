using Microsoft.Extensions.AI;
using static IpyBox.AI.IntegrationTests.ScriptedChatClient;

namespace IpyBox.AI.IntegrationTests.Tools;

/// <summary>The tools driven by a scripted model through Microsoft.Extensions.AI's function invocation.</summary>
public sealed class ChatToolTests
{
    private const string NoTightBoundingBox = "%config InlineBackend.print_figure_kwargs = {'bbox_inches': None}\n";

    private static IChatClient Pipeline(IChatClient model) => new ChatClientBuilder(model).UseFunctionInvocation().Build();

    [Fact]
    public async Task A_model_that_asks_for_a_plot_gets_the_png_in_the_next_request()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var tools = scope.Manager.CreatePlugin("plot-thread").AsAIFunctions();
        var model = new ScriptedChatClient(
            _ => Call("c1", "execute_python", new() { ["code"] = NoTightBoundingBox + "import matplotlib.pyplot as plt\nplt.figure(figsize=(4, 3), dpi=100)\nplt.plot([1, 3, 2])\nplt.show()\nprint('done')" }),
            _ => Say("Here is your plot."));

        var response = await Pipeline(model).GetResponseAsync("Plot 1, 3, 2", new ChatOptions { Tools = [.. tools] });

        Assert.Equal("Here is your plot.", response.Text);
        var result = ResultOf(model.Requests[1], "c1");
        var contents = Assert.IsAssignableFrom<IEnumerable<AIContent>>(result.Result).ToList();
        Assert.Contains("done", TextOf(result), StringComparison.Ordinal);
        Assert.Contains("[image 1: image/png, 400x300 pixels]", TextOf(result), StringComparison.Ordinal);
        var image = Assert.Single(contents.OfType<DataContent>());
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal((400, 300), Png.Size(image.Data.Span));
        Assert.DoesNotContain("iVBOR", TextOf(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_conversations_get_two_containers_and_each_keeps_its_variables_across_turns()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var tools = scope.Manager.CreatePlugin().AsAIFunctions();
        var options = new ChatOptions { Tools = [.. tools] };

        async Task<string> TurnAsync(string thread, string code)
        {
            var callId = Guid.NewGuid().ToString("N");
            var model = new ScriptedChatClient(_ => Call(callId, "execute_python", new() { ["code"] = code }), _ => Say("ok"));
            using (IpyBoxConversation.Begin(thread))
            {
                await Pipeline(model).GetResponseAsync("go", options);
            }

            return TextOf(ResultOf(model.Requests[1], callId));
        }

        // Turn 1 of both threads in parallel, then turn 2.
        await Task.WhenAll(TurnAsync("alice", "secret = 'alice-value'"), TurnAsync("bob", "secret = 'bob-value'"));
        var turn2 = await Task.WhenAll(TurnAsync("alice", "print(secret)"), TurnAsync("bob", "print(secret)"));

        Assert.Equal("alice-value", turn2[0]);
        Assert.Equal("bob-value", turn2[1]);
        var sessions = scope.Manager.Sessions;
        Assert.Equal(2, sessions.Count);
        Assert.NotEqual(sessions[0].SandboxId, sessions[1].SandboxId);
        Assert.Equal(["alice", "bob"], sessions.Select(s => s.ConversationKey).Order());
    }

    [Fact]
    public async Task The_conversation_key_in_chat_options_survives_every_function_calling_round()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { DefaultConversationKey = null });
        var tools = scope.Manager.CreatePlugin().AsAIFunctions();
        var model = new ScriptedChatClient(
            _ => Call("c1", "execute_python", new() { ["code"] = "n = 41" }),
            _ => Call("c2", "execute_python", new() { ["code"] = "print(n + 1)" }),
            _ => Say("42"));
        var options = new ChatOptions { Tools = [.. tools], AdditionalProperties = new() { [IpyBoxConversation.PropertyName] = "thread-7" } };

        await Pipeline(model).GetResponseAsync("go", options);

        Assert.Equal("42", TextOf(ResultOf(model.Requests[2], "c2")));
        Assert.Equal("thread-7", Assert.Single(scope.Manager.Sessions).ConversationKey);
    }

    [Fact]
    public async Task Without_any_conversation_key_the_tool_says_how_to_give_one()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { DefaultConversationKey = null });
        var model = new ScriptedChatClient(_ => Call("c1", "execute_python", new() { ["code"] = "1" }), _ => Say("ok"));

        await Pipeline(model).GetResponseAsync("go", new ChatOptions { Tools = [.. scope.Manager.CreatePlugin().AsAIFunctions()] });

        Assert.Contains("IpyBoxConversation.Begin", TextOf(ResultOf(model.Requests[1], "c1")), StringComparison.Ordinal);
        Assert.Equal(0, scope.Manager.Count);
    }

    [Fact]
    public async Task An_error_and_a_timeout_come_back_as_tool_results_and_the_conversation_continues()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var tools = scope.Manager.CreatePlugin("errors").AsAIFunctions();
        var model = new ScriptedChatClient(
            _ => Call("c1", "execute_python", new() { ["code"] = "kept = 7\ndef f():\n    return 1 / 0\nf()" }),
            _ => Call("c2", "execute_python", new() { ["code"] = "import time\nprint('sleeping', flush=True)\ntime.sleep(60)", ["timeoutSeconds"] = 2 }),
            _ => Call("c3", "execute_python", new() { ["code"] = "print(kept * 6)" }),
            _ => Say("recovered"));

        var response = await Pipeline(model).GetResponseAsync("go", new ChatOptions { Tools = [.. tools] });

        Assert.Equal("recovered", response.Text);
        var error = TextOf(ResultOf(model.Requests[1], "c1"));
        Assert.StartsWith("Error: the code raised ZeroDivisionError: division by zero", error, StringComparison.Ordinal);
        Assert.Contains("return 1 / 0", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", error, StringComparison.Ordinal);
        var timeout = TextOf(ResultOf(model.Requests[2], "c2"));
        Assert.Contains("did not finish within 2 seconds and was interrupted", timeout, StringComparison.Ordinal);
        Assert.Contains("state (variables, imports) are kept", timeout, StringComparison.Ordinal);
        Assert.Equal("42", TextOf(ResultOf(model.Requests[3], "c3")));
    }

    [Fact]
    public async Task Long_output_is_truncated_with_head_tail_and_marker()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { MaxOutputCharacters = 1_000 });
        var tools = scope.Manager.CreatePlugin("long").AsAIFunctions();
        var model = new ScriptedChatClient(
            _ => Call("c1", "execute_python", new() { ["code"] = "print('FIRST'); print('x' * 50000); print('LAST')" }),
            _ => Say("ok"));

        await Pipeline(model).GetResponseAsync("go", new ChatOptions { Tools = [.. tools] });

        var text = TextOf(ResultOf(model.Requests[1], "c1"));
        Assert.StartsWith("FIRST", text, StringComparison.Ordinal);
        Assert.EndsWith("LAST", text, StringComparison.Ordinal);
        Assert.Contains("characters truncated", text, StringComparison.Ordinal);
        Assert.True(text.Length < 1_200, $"length {text.Length}");
    }
}
