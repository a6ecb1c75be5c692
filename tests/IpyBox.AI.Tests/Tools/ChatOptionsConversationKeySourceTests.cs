using System.Globalization;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests.Tools;

/// <summary>The Microsoft.Extensions.AI route: the key in the chat options of the function-calling round.</summary>
public sealed class ChatOptionsConversationKeySourceTests
{
    private static readonly ChatOptionsConversationKeySource s_source = ChatOptionsConversationKeySource.Instance;

    [Fact]
    public void Outside_function_invocation_there_is_no_key()
    {
        Assert.Null(FunctionInvokingChatClient.CurrentContext);
        Assert.Null(s_source.GetConversationKey());
    }

    [Fact]
    public void The_key_is_read_from_the_current_rounds_additional_properties()
    {
        using (FunctionInvocationScope.Begin(WithKey("thread-1")))
        {
            Assert.Equal("thread-1", s_source.GetConversationKey());
        }

        using (FunctionInvocationScope.Begin(new ChatOptions()))
        {
            Assert.Null(s_source.GetConversationKey());
        }

        using (FunctionInvocationScope.Begin(new ChatOptions { AdditionalProperties = new() { ["other"] = "thread-1" } }))
        {
            Assert.Null(s_source.GetConversationKey());
        }
    }

    [Fact]
    public void Blank_keys_count_as_none_and_other_values_are_read_in_the_invariant_culture()
    {
        using (FunctionInvocationScope.Begin(WithKey(" ")))
        {
            Assert.Null(s_source.GetConversationKey());
        }

        using (FunctionInvocationScope.Begin(WithKey(null)))
        {
            Assert.Null(s_source.GetConversationKey());
        }

        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            using (FunctionInvocationScope.Begin(WithKey(1234.5)))
            {
                Assert.Equal("1234.5", s_source.GetConversationKey());
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public async Task A_function_called_by_the_function_invoking_client_sees_the_key_of_the_request_options()
    {
        string? seen = null;
        var probe = AIFunctionFactory.Create(() => seen = s_source.GetConversationKey(), "probe");
        using var client = new FunctionInvokingChatClient(new CallsOnceChatClient("probe"));
        var options = WithKey("thread-meai");
        options.Tools = [probe];

        var response = await client.GetResponseAsync("go", options);

        Assert.Equal("done", response.Text);
        Assert.Equal("thread-meai", seen);
        Assert.Null(s_source.GetConversationKey());
    }

    private static ChatOptions WithKey(object? key) =>
        new() { AdditionalProperties = new() { [IpyBoxConversation.PropertyName] = key } };

    /// <summary>A model that calls one function on the first request and answers "done" on the next.</summary>
    private sealed class CallsOnceChatClient(string function) : IChatClient
    {
        private int _requests;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(Interlocked.Increment(ref _requests) == 1
                ? new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", function)]))
                : new ChatResponse(new ChatMessage(ChatRole.Assistant, "done")));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
