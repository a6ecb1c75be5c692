using System.Text.Json;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests.Tools;

public sealed class ImageForwardingTests
{
    private static readonly byte[] s_png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];

    [Fact]
    public void Images_move_from_tool_results_into_a_user_message_after_the_tool_messages()
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.User, "plot it"),
            new(ChatRole.Assistant, [new FunctionCallContent("call-1", "execute_python"), new FunctionCallContent("call-2", "execute_python")]),
            new(ChatRole.Tool, [new FunctionResultContent("call-1", new List<AIContent> { new TextContent("[image 1: image/png]"), new DataContent(s_png, "image/png") })]),
            new(ChatRole.Tool, [new FunctionResultContent("call-2", "plain text")]),
        };

        var rewritten = new ImageForwardingChatClient(new NullChatClient()).MoveImages(messages).ToList();

        Assert.Equal(5, rewritten.Count);
        var result = Assert.IsType<FunctionResultContent>(Assert.Single(rewritten[2].Contents));
        var text = Assert.IsType<string>(result.Result);
        Assert.Contains("attached to the next user message as image 1", text, StringComparison.Ordinal);
        Assert.Same(messages[3], rewritten[3]);
        Assert.Equal(ChatRole.User, rewritten[4].Role);
        var image = Assert.Single(rewritten[4].Contents.OfType<DataContent>());
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal(s_png, image.Data.ToArray());

        // The caller's history is untouched.
        Assert.IsType<List<AIContent>>(((FunctionResultContent)messages[2].Contents[0]).Result);
    }

    [Fact]
    public void Json_serialised_contents_are_recognised()
    {
        var json = JsonSerializer.SerializeToElement(new List<AIContent> { new TextContent("hi"), new DataContent(s_png, "image/png") }, AIJsonUtilities.DefaultOptions);

        var extracted = ImageForwardingChatClient.ExtractImages(json);

        Assert.NotNull(extracted);
        Assert.Equal("hi", extracted.Value.Text);
        Assert.Equal(s_png, Assert.Single(extracted.Value.Images).Data.ToArray());
    }

    [Fact]
    public void Messages_without_images_are_passed_as_they_are()
    {
        var messages = new List<ChatMessage> { new(ChatRole.Tool, [new FunctionResultContent("c", JsonSerializer.SerializeToElement(new { a = 1 }))]) };
        Assert.Same(messages, new ImageForwardingChatClient(new NullChatClient()).MoveImages(messages));
    }

    [Fact]
    public async Task Both_the_buffered_and_the_streaming_paths_send_the_rewritten_messages()
    {
        var inner = new RecordingChatClient();
        using var client = new ChatClientBuilder(inner).UseIpyBoxImageForwarding().Build();
        List<ChatMessage> messages =
        [
            new(ChatRole.Assistant, [new FunctionCallContent("c", "execute_python")]),
            new(ChatRole.Tool, [new FunctionResultContent("c", new DataContent(s_png, "image/png"))]),
        ];

        await client.GetResponseAsync(messages);
        await foreach (var _ in client.GetStreamingResponseAsync(messages))
        {
        }

        Assert.Equal(2, inner.Received.Count);
        Assert.All(inner.Received, received =>
        {
            Assert.Equal(3, received.Count);
            Assert.IsType<string>(((FunctionResultContent)received[1].Contents[0]).Result);
            Assert.Single(received[2].Contents.OfType<DataContent>());
        });
    }

    private sealed class RecordingChatClient : IChatClient
    {
        public List<List<ChatMessage>> Received { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Received.Add([.. messages]);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Received.Add([.. messages]);
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "ok");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
