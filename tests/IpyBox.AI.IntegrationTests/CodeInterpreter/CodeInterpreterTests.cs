using System.ClientModel;
using System.Diagnostics;
using System.Text;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using OpenAI;
using static IpyBox.AI.IntegrationTests.ScriptedChatClient;

namespace IpyBox.AI.IntegrationTests.CodeInterpreter;

/// <summary>
/// A request that asks for <see cref="HostedCodeInterpreterTool"/> runs its code in a real sandbox through
/// <c>UseIpyBoxCodeInterpreter().UseFunctionInvocation()</c>: the model sees a function, the caller code-interpreter contents.
/// </summary>
public sealed class CodeInterpreterTests
{
    private const string AnalysisCode =
        "import pandas as pd, matplotlib.pyplot as plt, os\n" +
        "df = pd.read_csv('/app/inputs/data.csv')\n" +
        "total = int(df['value'].sum())\n" +
        "os.makedirs('/app/outputs', exist_ok=True)\n" +
        "df.assign(double=df['value'] * 2).to_csv('/app/outputs/summary.csv', index=False)\n" +
        "plt.figure(figsize=(3, 2), dpi=100)\nplt.plot(df['value'])\nplt.show()\n" +
        "print('total', total)";

    private static readonly DataContent s_csv = new(Encoding.UTF8.GetBytes("value\n1\n2\n4\n"), "text/csv") { Name = "data.csv" };

    private static ChatOptions InterpreterOptions(string key) => new()
    {
        Tools = [new HostedCodeInterpreterTool { Inputs = [s_csv] }],
        AdditionalProperties = new() { [IpyBoxConversation.PropertyName] = key },
    };

    private static IChatClient Build(IChatClient model, SandboxSessionManager sessions) =>
        new ChatClientBuilder(model).UseIpyBoxCodeInterpreter(sessions).UseFunctionInvocation().UseIpyBoxImageForwarding().Build();

    [Fact]
    public async Task The_caller_sees_code_interpreter_contents_the_model_a_function_and_the_history_goes_back_as_functions()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var script = new ScriptedChatClient(
            _ => Call("c1", IpyBoxCodeInterpreterOptions.DefaultFunctionName, new() { ["code"] = AnalysisCode }),
            _ => Say("The total is 7."),
            _ => Call("c2", IpyBoxCodeInterpreterOptions.DefaultFunctionName, new() { ["code"] = "print('again', total * 10)" }),
            _ => Say("Seventy."));
        var chat = Build(script, scope.Manager);
        List<ChatMessage> history = [new(ChatRole.User, "Sum the values and plot them.")];

        var first = await chat.GetResponseAsync(history, InterpreterOptions("interp-plain"));

        var tools = script.Options[0]!.Tools!;
        Assert.DoesNotContain(tools, t => t is HostedCodeInterpreterTool);
        Assert.Contains(tools, t => t is AIFunction { Name: IpyBoxCodeInterpreterOptions.DefaultFunctionName });
        Assert.Contains("total 7", TextOf(ResultOf(script.Requests[1], "c1")), StringComparison.Ordinal);
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<CodeInterpreterToolCallContent>());
        var code = Assert.IsType<DataContent>(Assert.Single(call.Inputs!));
        Assert.Equal("text/x-python", code.MediaType);
        Assert.Equal(AnalysisCode, Encoding.UTF8.GetString(code.Data.Span));
        var result = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<CodeInterpreterToolResultContent>());
        Assert.Equal("c1", result.CallId);
        Assert.Contains(result.Outputs!, o => o is TextContent t && t.Text.Contains("total 7", StringComparison.Ordinal));
        Assert.True(Png.Size(Assert.Single(result.Outputs!.OfType<DataContent>(), d => d.MediaType == "image/png").Data.Span).Width > 0);
        var file = Assert.Single(result.Outputs!.OfType<HostedFileContent>());
        Assert.Equal("/app/outputs/summary.csv", file.FileId);
        Assert.Equal("text/csv", file.MediaType);
        Assert.DoesNotContain(first.Messages.SelectMany(m => m.Contents), c => c is FunctionCallContent or FunctionResultContent);

        using var local = new TempDirectory();
        var target = Path.Combine(local.FullName, "summary.csv");
        await ((IpyBoxCodeInterpreterChatClient)chat.GetService(typeof(IpyBoxCodeInterpreterChatClient))!).DownloadFileAsync("interp-plain", file, target);
        Assert.Equal("value,double\n1,2\n2,4\n4,8\n", await File.ReadAllTextAsync(target));

        history.AddMessages(first);
        history.Add(new ChatMessage(ChatRole.User, "Times ten?"));
        var second = await chat.GetResponseAsync(history, InterpreterOptions("interp-plain"));

        var replayed = script.Requests[2].SelectMany(m => m.Contents).ToList();
        Assert.Contains(replayed, c => c is FunctionCallContent { CallId: "c1", Name: IpyBoxCodeInterpreterOptions.DefaultFunctionName });
        Assert.Contains(replayed, c => c is FunctionResultContent { CallId: "c1" });
        Assert.DoesNotContain(replayed, c => c is CodeInterpreterToolCallContent or CodeInterpreterToolResultContent);
        Assert.Contains("again 70", TextOf(ResultOf(script.Requests[3], "c2")), StringComparison.Ordinal);
        Assert.Equal("Seventy.", second.Text);
        Assert.Single(scope.Manager.Sessions);
    }

    [Fact]
    public async Task Streaming_yields_the_call_and_then_its_result_with_the_plot()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var script = new ScriptedChatClient(
            _ => Call("s1", IpyBoxCodeInterpreterOptions.DefaultFunctionName, new() { ["code"] = AnalysisCode }),
            _ => Say("Done."));
        var chat = Build(new StreamingScriptedChatClient(script), scope.Manager);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync("Plot it.", InterpreterOptions("interp-stream")))
        {
            updates.Add(update);
        }

        var contents = updates.SelectMany(u => u.Contents).ToList();
        var callIndex = contents.FindIndex(c => c is CodeInterpreterToolCallContent { CallId: "s1" });
        var resultIndex = contents.FindIndex(c => c is CodeInterpreterToolResultContent { CallId: "s1" });
        Assert.InRange(callIndex, 0, resultIndex - 1);
        var result = (CodeInterpreterToolResultContent)contents[resultIndex];
        Assert.Contains(result.Outputs!, o => o is DataContent { MediaType: "image/png" });
        Assert.Contains(result.Outputs!, o => o is HostedFileContent { FileId: "/app/outputs/summary.csv" });
        Assert.DoesNotContain(contents, c => c is FunctionCallContent or FunctionResultContent);
        Assert.Equal("Done.", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task The_OpenAI_client_sends_a_function_tool_and_its_result_over_the_wire_and_OpenTelemetry_records_the_call()
    {
        const string Source = "ipybox-code-interpreter-test";
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == Source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (activities) { activities.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = new ScriptedOpenAIServer(
            _ => ScriptedOpenAIServer.ToolCall("call_ci", IpyBoxCodeInterpreterOptions.DefaultFunctionName, new { code = "x = 6 * 7\nprint('answer', x)" }),
            _ => ScriptedOpenAIServer.Text("It is 42."));
        await using var scope = await SessionManagerScope.CreateAsync();
        var openAI = new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = server.Endpoint }).GetChatClient("scripted").AsIChatClient();
        var chat = new ChatClientBuilder(openAI)
            .UseIpyBoxCodeInterpreter(scope.Manager)
            .UseFunctionInvocation()
            .UseOpenTelemetry(sourceName: Source)
            .UseIpyBoxImageForwarding()
            .Build();

        var response = await chat.GetResponseAsync("What is 6 * 7?", new ChatOptions
        {
            Tools = [new HostedCodeInterpreterTool()],
            AdditionalProperties = new() { [IpyBoxConversation.PropertyName] = "interp-openai" },
        });

        var tool = Assert.Single(server.Requests[0]["tools"]!.AsArray())!;
        Assert.Equal(IpyBoxCodeInterpreterOptions.DefaultFunctionName, (string?)tool["function"]!["name"]);
        var toolMessage = Assert.Single(server.Requests[1]["messages"]!.AsArray(), m => (string?)m!["role"] == "tool")!;
        Assert.Contains("answer 42", toolMessage["content"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("It is 42.", response.Text);
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<CodeInterpreterToolResultContent>());
        Assert.Contains(result.Outputs!, o => o is TextContent t && t.Text.Contains("answer 42", StringComparison.Ordinal));
        lock (activities)
        {
            Assert.Contains(activities, a => a.DisplayName.Contains(IpyBoxCodeInterpreterOptions.DefaultFunctionName, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_code_interpreter_call_under_approval_runs_only_after_the_caller_approves()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { RequireApproval = true });
        var script = new ScriptedChatClient(
            _ => Call("a1", IpyBoxCodeInterpreterOptions.DefaultFunctionName, new() { ["code"] = "print('approved run')" }),
            _ => Say("Ran it."));
        var chat = Build(script, scope.Manager);
        var options = InterpreterOptions("interp-approval");
        options.Tools = [new HostedCodeInterpreterTool()];
        List<ChatMessage> history = [new(ChatRole.User, "Run it.")];

        var asked = await chat.GetResponseAsync(history, options);

        var request = Assert.Single(asked.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>());
        Assert.Empty(scope.Manager.Sessions);
        history.AddMessages(asked);
        history.Add(new ChatMessage(ChatRole.User, [request.CreateResponse(approved: true)]));

        var ran = await chat.GetResponseAsync(history, options);

        Assert.Equal("Ran it.", ran.Text);
        Assert.Contains("approved run", TextOf(ResultOf(script.Requests[1], "a1")), StringComparison.Ordinal);
        Assert.Contains(ran.Messages.SelectMany(m => m.Contents), c => c is CodeInterpreterToolResultContent { CallId: "a1" });
    }

    [Fact]
    public async Task A_ChatClientAgent_runs_the_code_in_its_sessions_sandbox()
    {
        var options = new IpyBoxOptions();
        options.ConversationKeySources.Add(AgentSessionConversationKeySource.Instance);
        await using var scope = await SessionManagerScope.CreateAsync(options);
        var script = new ScriptedChatClient(
            _ => Call("g1", IpyBoxCodeInterpreterOptions.DefaultFunctionName, new() { ["code"] = "print(sum(range(5)))" }),
            _ => Say("Ten."));
        var agent = new ChatClientAgent(
            new ChatClientBuilder(script).UseIpyBoxCodeInterpreter(scope.Manager).UseFunctionInvocation().Build(),
            new ChatClientAgentOptions { Name = "analyst", ChatOptions = new ChatOptions { Tools = [new HostedCodeInterpreterTool()] } });
        var session = await agent.CreateSessionAsync();

        var response = await agent.RunAsync("Sum 0..4", session);

        Assert.Equal("Ten.", response.Text);
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<CodeInterpreterToolResultContent>());
        Assert.Contains(result.Outputs!, o => o is TextContent t && t.Text.Contains("10", StringComparison.Ordinal));
        Assert.Equal(IpyBoxContextProvider.GetConversationKey(session), Assert.Single(scope.Manager.Sessions).ConversationKey);
    }
}
