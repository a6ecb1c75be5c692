using System.ClientModel;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAI;

namespace IpyBox.AI.IntegrationTests.Tools;

/// <summary>
/// Images reach an OpenAI Chat Completions model as image parts, checked on the request JSON that the real OpenAI
/// client libraries send to a scripted server on 127.0.0.1.
/// </summary>
public sealed class OpenAIImageForwardingTests
{
    private const string PlotCode =
        "%config InlineBackend.print_figure_kwargs = {'bbox_inches': None}\n" +
        "import matplotlib.pyplot as plt\nplt.figure(figsize=(3, 2), dpi=100)\nplt.plot([1, 2, 1])\nplt.show()\nprint('plotted')";

    private static IChatClient OpenAIChatClient(ScriptedOpenAIServer server) =>
        new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = server.Endpoint })
            .GetChatClient("scripted")
            .AsIChatClient();

    [Fact]
    public async Task Microsoft_Extensions_AI_sends_the_plot_as_an_image_part_after_the_tool_message()
    {
        await using var server = new ScriptedOpenAIServer(
            _ => ScriptedOpenAIServer.ToolCall("call_plot", "execute_python", new { code = PlotCode }),
            _ => ScriptedOpenAIServer.Text("A small line plot."));
        await using var scope = await SessionManagerScope.CreateAsync();
        var chat = new ChatClientBuilder(OpenAIChatClient(server))
            .UseFunctionInvocation()
            .UseIpyBoxImageForwarding()
            .Build();

        var response = await chat.GetResponseAsync("Plot 1, 2, 1", new ChatOptions { Tools = [.. scope.Manager.CreatePlugin("openai-meai").AsAIFunctions()] });

        Assert.Equal("A small line plot.", response.Text);
        AssertImageArrivedAsImagePart(server.Requests[1], "call_plot", (300, 200));
    }

    [Fact]
    public async Task Semantic_Kernel_through_a_chat_client_sends_the_plot_as_an_image_part()
    {
        await using var server = new ScriptedOpenAIServer(
            _ => ScriptedOpenAIServer.ToolCall("call_sk", "python_execute_python", new { code = PlotCode }),
            _ => ScriptedOpenAIServer.Text("Plotted with SK."));
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { DefaultConversationKey = null });
        var chatClient = new ChatClientBuilder(OpenAIChatClient(server))
            .UseFunctionInvocation()
            .UseIpyBoxImageForwarding()
            .Build();
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(chatClient.AsChatCompletionService());
        builder.Plugins.Add(scope.Manager.CreatePlugin().AsKernelPlugin("python"));
        var kernel = builder.Build();
        kernel.Data[IpyBoxConversation.PropertyName] = "sk-thread"; // the conversation key travels with the kernel
        var history = new ChatHistory();
        history.AddUserMessage("Plot 1, 2, 1");

        var reply = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(
            history, new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, kernel);

        Assert.Equal("Plotted with SK.", reply.Content);
        Assert.Equal("sk-thread", Assert.Single(scope.Manager.Sessions).ConversationKey);
        AssertImageArrivedAsImagePart(server.Requests[1], "call_sk", (300, 200));
    }

    [Fact]
    public async Task Semantic_Kernels_own_OpenAI_connector_with_the_fallback_filter_sends_a_note_instead_of_base64()
    {
        await using var server = new ScriptedOpenAIServer(
            _ => ScriptedOpenAIServer.ToolCall("call_native", "python-execute_python", new { code = PlotCode }),
            _ => ScriptedOpenAIServer.Text("Described in text."));
        await using var scope = await SessionManagerScope.CreateAsync();
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion("scripted", new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = server.Endpoint }));
        builder.Plugins.Add(scope.Manager.CreatePlugin("openai-sk-native").AsKernelPlugin("python"));
        var kernel = builder.Build();
        kernel.AutoFunctionInvocationFilters.Add(new ImageTextFallbackFilter());
        var history = new ChatHistory();
        history.AddUserMessage("Plot 1, 2, 1");

        var reply = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(
            history, new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, kernel);

        Assert.Equal("Described in text.", reply.Content);
        var request = server.Requests[1];
        var tool = Assert.Single(request["messages"]!.AsArray(), m => (string?)m!["role"] == "tool")!;
        var text = tool["content"]!.ToJsonString();
        Assert.Contains("plotted", text, StringComparison.Ordinal);
        Assert.Contains("1 image(s) produced but not shown", text, StringComparison.Ordinal);
        Assert.DoesNotContain("iVBOR", request.ToJsonString(), StringComparison.Ordinal);
    }

    private static void AssertImageArrivedAsImagePart(JsonNode request, string callId, (int Width, int Height) size)
    {
        var messages = request["messages"]!.AsArray();
        var toolIndex = messages.Select((m, i) => (m, i)).Single(x => (string?)x.m!["role"] == "tool").i;
        var tool = messages[toolIndex]!;
        Assert.Equal(callId, (string?)tool["tool_call_id"]);
        var toolText = tool["content"]!.ToJsonString();
        Assert.Contains("plotted", toolText, StringComparison.Ordinal);
        Assert.Contains("attached to the next user message", toolText, StringComparison.Ordinal);
        Assert.DoesNotContain("iVBOR", toolText, StringComparison.Ordinal); // no base64 PNG in the text

        var user = messages[toolIndex + 1]!;
        Assert.Equal("user", (string?)user["role"]);
        var imagePart = Assert.Single(user["content"]!.AsArray(), p => (string?)p!["type"] == "image_url")!;
        var url = (string)imagePart["image_url"]!["url"]!;
        Assert.StartsWith("data:image/png;base64,", url, StringComparison.Ordinal);
        Assert.Equal(size, Png.Size(Convert.FromBase64String(url["data:image/png;base64,".Length..])));

        // Nowhere else in the request is the image sent as text.
        Assert.Equal(1, CountOccurrences(request.ToJsonString(), "iVBOR"));
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
