using System.Text;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests.Tools;

/// <summary>The code interpreter's checks and translations above the wire: no sandbox is started (a fake provider stands behind the manager).</summary>
public sealed class CodeInterpreterChatClientTests : IAsyncDisposable
{
    private readonly SandboxSessionManager _sessions = new(new FakeSandboxProvider());

    public ValueTask DisposeAsync() => _sessions.DisposeAsync();

    [Fact]
    public async Task A_request_with_the_tool_and_no_function_invocation_below_is_refused_with_the_fix()
    {
        var chat = new ChatClientBuilder(new NullChatClient()).UseIpyBoxCodeInterpreter(_sessions).Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            chat.GetResponseAsync("hi", new ChatOptions { Tools = [new HostedCodeInterpreterTool()] }));

        Assert.Contains("UseIpyBoxCodeInterpreter().UseFunctionInvocation()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_without_the_tool_passes_through_with_its_own_options()
    {
        var inner = new RecordingChatClient();
        var chat = new ChatClientBuilder(inner).UseIpyBoxCodeInterpreter(_sessions).Build();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one")] };

        await chat.GetResponseAsync("hi", options);

        Assert.Same(options, inner.Options);
    }

    [Fact]
    public async Task A_tool_that_already_has_the_functions_name_is_refused()
    {
        var chat = new ChatClientBuilder(new RecordingChatClient()).UseIpyBoxCodeInterpreter(_sessions).UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [new HostedCodeInterpreterTool(), AIFunctionFactory.Create(() => 1, IpyBoxCodeInterpreterOptions.DefaultFunctionName)] };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => chat.GetResponseAsync("hi", options));

        Assert.Contains("FunctionName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_inner_client_gets_the_function_instead_of_the_hosted_tool_and_the_history_as_function_contents()
    {
        var inner = new RecordingChatClient();
        var chat = new ChatClientBuilder(inner).UseIpyBoxCodeInterpreter(_sessions).UseFunctionInvocation().Build();
        var call = new CodeInterpreterToolCallContent("c1") { Inputs = [new DataContent(Encoding.UTF8.GetBytes("print(1)"), "text/x-python")] };
        var result = new CodeInterpreterToolResultContent("c1") { Outputs = [new TextContent("1")] };
        List<ChatMessage> history = [new(ChatRole.User, "go"), new(ChatRole.Assistant, [call]), new(ChatRole.Tool, [result]), new(ChatRole.User, "again")];
        var other = AIFunctionFactory.Create(() => 1, "other");

        await chat.GetResponseAsync(history, new ChatOptions { Tools = [new HostedCodeInterpreterTool(), other] });

        Assert.Equal(["other", IpyBoxCodeInterpreterOptions.DefaultFunctionName], inner.Options!.Tools!.Select(t => t.Name).Order().ToArray());
        Assert.DoesNotContain(inner.Options.Tools!, t => t is HostedCodeInterpreterTool);
        var sent = inner.Messages!.SelectMany(m => m.Contents).ToList();
        var function = Assert.Single(sent.OfType<FunctionCallContent>());
        Assert.Equal(("c1", IpyBoxCodeInterpreterOptions.DefaultFunctionName, "print(1)"), (function.CallId, function.Name, function.Arguments!["code"]));
        Assert.Equal("c1", Assert.Single(sent.OfType<FunctionResultContent>()).CallId);
        Assert.Same(call, Assert.Single(history[1].Contents)); // the caller's messages are not changed
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\evil.py", "evil.py")]
    [InlineData("ok name;rm -rf.csv", "ok_name_rm_-rf.csv")]
    [InlineData("..", "input-3.csv")]
    [InlineData(null, "input-3.csv")]
    public void A_hostile_input_name_becomes_one_safe_file_name(string? name, string expected) =>
        Assert.Equal(expected, CodeInterpreterInputName.Of(new DataContent(new byte[] { 1 }, "text/csv") { Name = name }, 3));

    /// <summary>Records one request and answers with a text.</summary>
    private sealed class RecordingChatClient : IChatClient
    {
        public ChatOptions? Options { get; private set; }

        public List<ChatMessage>? Messages { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            (Messages, Options) = ([.. messages], options);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
