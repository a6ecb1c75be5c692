using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using FunctionResultContent = Microsoft.Extensions.AI.FunctionResultContent;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace IpyBox.AI.Tests.Tools;

/// <summary>Badly formed tool calls reach the model as messages naming the schema's parameters and saying what to send.</summary>
public sealed class ToolArgumentTests : IAsyncDisposable
{
    private readonly FakeSandboxProvider _provider = new();
    private readonly SandboxSessionManager _sessions;

    public ToolArgumentTests()
    {
        _sessions = new SandboxSessionManager(_provider, new IpyBoxOptions { DefaultConversationKey = "k" });
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("ran"));
    }

    public ValueTask DisposeAsync() => _sessions.DisposeAsync();

    private AIFunction Function(string name) => _sessions.CreatePlugin().AsAIFunctions().Single(f => f.Name == name);

    private static string Text(object? result) => result switch
    {
        string s => s,
        IEnumerable<AIContent> contents => string.Join('\n', contents.OfType<TextContent>().Select(t => t.Text)),
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        _ => result?.ToString() ?? string.Empty,
    };

    [Fact]
    public async Task A_missing_argument_is_named_with_what_to_send_and_nothing_runs()
    {
        var text = Text(await Function("execute_python").InvokeAsync(new AIFunctionArguments { ["timeoutSeconds"] = 5 }));

        Assert.StartsWith("Error: execute_python did not run: the required argument \"code\" is missing.", text, StringComparison.Ordinal);
        Assert.Contains("\"code\": string (required)", text, StringComparison.Ordinal);
        Assert.Contains("\"timeoutSeconds\": integer (optional)", text, StringComparison.Ordinal);
        Assert.Empty(_provider.Requests);
    }

    [Fact]
    public async Task A_wrong_type_is_named_with_the_expected_type_and_the_value_sent()
    {
        var text = Text(await Function("execute_python").InvokeAsync(new AIFunctionArguments { ["code"] = "1", ["timeoutSeconds"] = "soon" }));

        Assert.StartsWith("Error: execute_python did not run: \"timeoutSeconds\" must be integer, not the string \"soon\".", text, StringComparison.Ordinal);
        Assert.Empty(_provider.Requests);
    }

    [Fact]
    public async Task Extra_arguments_are_refused_by_name()
    {
        var text = Text(await Function("execute_python").InvokeAsync(new AIFunctionArguments { ["code"] = "1", ["timeout"] = 30, ["language"] = "python" }));

        Assert.Contains("there is no argument \"timeout\"; there is no argument \"language\"", text, StringComparison.Ordinal);
        Assert.Contains("Call it again with {\"code\": string (required), \"timeoutSeconds\": integer (optional)}", text, StringComparison.Ordinal);
        Assert.Empty(_provider.Requests);
    }

    [Fact]
    public async Task Json_arguments_as_a_model_sends_them_bind_and_an_integer_in_a_string_is_accepted()
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>("""{"code": "print(1)", "timeoutSeconds": "7"}""")!;

        var text = Text(await Function("execute_python").InvokeAsync(new AIFunctionArguments(arguments)));

        Assert.Equal("ran", text);
        Assert.Equal(TimeSpan.FromSeconds(7), Assert.Single(_provider.Sandboxes.Single().Submissions).Timeout);
    }

    [Fact]
    public async Task A_refused_path_names_no_dotnet_parameter()
    {
        var text = Text(await Function("list_files").InvokeAsync(new AIFunctionArguments { ["path"] = "../etc" }));

        Assert.Equal("Error: '../etc' escapes /app; '..' is not allowed.", text);
        Assert.DoesNotContain("relativePath", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_function_invocation_the_model_reads_the_message_not_a_generic_failure()
    {
        var model = new TwoStepModel(new FunctionCallContent("c1", "execute_python", new Dictionary<string, object?> { ["source"] = "1" }));
        var chat = new ChatClientBuilder(model).UseFunctionInvocation().Build();

        await chat.GetResponseAsync("go", new ChatOptions { Tools = [.. _sessions.CreatePlugin().AsAIFunctions()] });

        var result = Assert.Single(model.SecondRequest!.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        var text = Text(result.Result);
        Assert.Contains("the required argument \"code\" is missing; there is no argument \"source\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Function failed", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Semantic_Kernel_calls_are_checked_by_the_argument_filter()
    {
        var kernel = new Kernel();
        kernel.Plugins.Add(_sessions.CreatePlugin().AsKernelPlugin("python"));
        kernel.FunctionInvocationFilters.Add(new IpyBoxArgumentFilter());

        var missing = await kernel.InvokeAsync("python", "execute_python", new KernelArguments { ["timeoutSeconds"] = "soon" });
        var fine = await kernel.InvokeAsync("python", "execute_python", new KernelArguments { ["code"] = "print(1)", ["timeoutSeconds"] = "3" });

        var text = missing.GetValue<string>()!;
        Assert.Contains("the required argument \"code\" is missing; \"timeoutSeconds\" must be integer, not the string \"soon\"", text, StringComparison.Ordinal);
        Assert.Equal("ran", string.Join('\n', fine.ToKernelContents().OfType<Microsoft.SemanticKernel.TextContent>().Select(t => t.Text)));
        Assert.Equal(TimeSpan.FromSeconds(3), Assert.Single(_provider.Sandboxes.Single().Submissions).Timeout);
    }

    /// <summary>Answers the first request with one function call and the second with text, remembering the second request.</summary>
    private sealed class TwoStepModel(FunctionCallContent call) : IChatClient
    {
        private int _requests;

        public IReadOnlyList<ChatMessage>? SecondRequest { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _requests) == 1)
            {
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [call])));
            }

            SecondRequest = [.. messages];
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
