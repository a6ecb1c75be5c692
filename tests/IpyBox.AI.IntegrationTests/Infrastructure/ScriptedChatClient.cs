using Microsoft.Extensions.AI;

namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// A language model stand-in: each request is answered by the next step of a script, which sees the messages
/// (including the tool results of the previous round) and returns the response, typically function calls.
/// </summary>
public sealed class ScriptedChatClient(params Func<IReadOnlyList<ChatMessage>, ChatResponse>[] steps) : IChatClient
{
    private readonly Queue<Func<IReadOnlyList<ChatMessage>, ChatResponse>> _steps = new(steps);

    /// <summary>Gets a copy of the messages of every request, in order.</summary>
    public List<IReadOnlyList<ChatMessage>> Requests { get; } = [];

    /// <summary>Gets the options of every request, in order.</summary>
    public List<ChatOptions?> Options { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var snapshot = messages.ToList();
        Func<IReadOnlyList<ChatMessage>, ChatResponse> step;
        lock (_steps)
        {
            Requests.Add(snapshot);
            Options.Add(options);
            step = _steps.Count > 0 ? _steps.Dequeue() : throw new InvalidOperationException($"The script has no step for request {Requests.Count}.");
        }

        return Task.FromResult(step(snapshot));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    /// <summary>A response that calls one function.</summary>
    public static ChatResponse Call(string callId, string function, Dictionary<string, object?> arguments) =>
        new(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(callId, function, arguments)]));

    /// <summary>A final text response.</summary>
    public static ChatResponse Say(string text) => new(new ChatMessage(ChatRole.Assistant, text));

    /// <summary>The result of the function call <paramref name="callId"/> in the request.</summary>
    public static FunctionResultContent ResultOf(IReadOnlyList<ChatMessage> messages, string callId) =>
        messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single(r => r.CallId == callId);

    /// <summary>The text of a function result (the text items of a content list, or the string).</summary>
    public static string TextOf(FunctionResultContent result) => result.Result switch
    {
        string s => s,
        IEnumerable<AIContent> contents => string.Join('\n', contents.OfType<TextContent>().Select(t => t.Text)),
        var other => other?.ToString() ?? string.Empty,
    };
}
