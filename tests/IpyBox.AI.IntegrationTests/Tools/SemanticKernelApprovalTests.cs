using System.ClientModel;
using System.Text.Json.Nodes;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAI;

namespace IpyBox.AI.IntegrationTests.Tools;

/// <summary>
/// <see cref="IpyBoxOptions.RequireApproval"/> on the Semantic Kernel route: SK's own OpenAI connector, automatic function
/// calling against a scripted server on 127.0.0.1, and real sandboxes.
/// </summary>
public sealed class SemanticKernelApprovalTests
{
    private const string WriteFile = "open('/app/ran.txt', 'w').write('ran')\nprint(6 * 7)";

    [Fact]
    public async Task Without_an_approval_filter_no_code_runs_and_the_model_reads_why()
    {
        var (tool, sandboxes) = await RunAsync(approve: null);

        Assert.Contains("needs the application's approval", tool, StringComparison.Ordinal);
        Assert.Contains("IpyBoxApprovalFilter", tool, StringComparison.Ordinal);
        Assert.Equal(0, sandboxes);
    }

    [Fact]
    public async Task A_rejected_call_runs_nothing_and_the_filter_saw_the_code()
    {
        string? seen = null;
        var (tool, sandboxes) = await RunAsync(context =>
        {
            seen = context.Arguments["code"]?.ToString();
            return ValueTask.FromResult(false);
        });

        Assert.Equal(WriteFile, seen);
        Assert.Contains("the user did not approve running execute_python; it did not run", tool, StringComparison.Ordinal);
        Assert.Equal(0, sandboxes);
    }

    [Fact]
    public async Task An_approved_call_runs()
    {
        var (tool, sandboxes) = await RunAsync(_ => ValueTask.FromResult(true));

        Assert.Contains("42", tool, StringComparison.Ordinal);
        Assert.Equal(1, sandboxes);
    }

    [Fact]
    public async Task Functions_that_need_no_approval_pass_the_filter_untouched()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { RequireApproval = true });
        var asked = 0;
        var kernel = new Kernel();
        kernel.Plugins.Add(scope.Manager.CreatePlugin("sk-listing").AsKernelPlugin("python"));
        kernel.FunctionInvocationFilters.Add(new IpyBoxApprovalFilter(_ => ValueTask.FromResult(++asked > 0)));

        var listing = await kernel.InvokeAsync("python", "list_files");
        var executed = await kernel.InvokeAsync("python", "execute_python", new() { ["code"] = "print('approved by the filter')" });

        Assert.Contains("Contents of /app", listing.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("approved by the filter", string.Join("\n", executed.ToKernelContents().OfType<TextContent>().Select(t => t.Text)), StringComparison.Ordinal);
        Assert.Equal(1, asked);
    }

    /// <summary>Runs one automatic function call of execute_python; returns the tool message the model got and the number of sandboxes.</summary>
    private static async Task<(string Tool, int Sandboxes)> RunAsync(Func<FunctionInvocationContext, ValueTask<bool>>? approve)
    {
        await using var server = new ScriptedOpenAIServer(
            _ => ScriptedOpenAIServer.ToolCall("call_1", "python-execute_python", new { code = WriteFile }),
            _ => ScriptedOpenAIServer.Text("done"));
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { RequireApproval = true });
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion("scripted", new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = server.Endpoint }));
        builder.Plugins.Add(scope.Manager.CreatePlugin("sk-approval").AsKernelPlugin("python"));
        if (approve is not null)
        {
            builder.AddIpyBoxApproval(approve);
        }

        var kernel = builder.Build();
        var history = new ChatHistory();
        history.AddUserMessage("write a file");

        var reply = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(
            history, new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, kernel);

        Assert.Equal("done", reply.Content);
        var tool = Assert.Single(server.Requests[1]["messages"]!.AsArray(), m => (string?)m!["role"] == "tool")!;
        return (tool["content"] is JsonValue text ? text.GetValue<string>() : tool["content"]!.ToJsonString(), scope.Manager.Count);
    }
}
