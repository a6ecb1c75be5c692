using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

/// <summary>
/// Plays a language model's part when none is configured: each user message of the script is answered with the tool
/// calls written for it, made one after the other through the real tools the request offers, and then with a short
/// answer built from the last tool result. Everything else of the sample (function invocation, approval, image
/// forwarding, the sandbox) runs as it would with a real model.
/// </summary>
internal sealed class ScriptedChatClient(params ScriptedTurn[] turns) : IChatClient
{
    /// <summary>Gets the user messages of the script, in order: the sample sends them instead of reading the console.</summary>
    public IReadOnlyList<string> UserMessages { get; } = [.. turns.Select(t => t.UserMessage)];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        var start = history.FindLastIndex(m => m.Role == ChatRole.User && turns.Any(t => t.UserMessage == m.Text));
        if (start < 0)
        {
            throw new InvalidOperationException("The scripted model got a request without a user message of its script.");
        }

        var turn = turns.First(t => t.UserMessage == history[start].Text);
        var since = history.Skip(start + 1).SelectMany(m => m.Contents).ToList();
        var results = since.OfType<FunctionResultContent>().ToList();
        if (results.Count < turn.Calls.Count)
        {
            var (tool, arguments) = turn.Calls[results.Count];
            var call = new FunctionCallContent($"call_{Guid.NewGuid():N}", OfferedName(tool, options), arguments);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [call])));
        }

        // What the last tool returned, as a model would read it, and whether images were handed to it.
        var images = since.OfType<DataContent>().Count(d => d.HasTopLevelMediaType("image"));
        var answer = $"(scripted model) {turn.Answer} The sandbox returned: {TextOf(results.LastOrDefault()).Trim()}";
        if (images > 0)
        {
            answer += $" [{images} image(s) received]";
        }

        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    /// <summary>The name under which the request offers the tool: frameworks may prefix it (Semantic Kernel adds its plugin's name).</summary>
    private static string OfferedName(string tool, ChatOptions? options)
    {
        var offered = options?.Tools?.Select(t => t.Name).ToList() ?? [];
        return offered.FirstOrDefault(name => name == tool)
            ?? offered.FirstOrDefault(name => name.EndsWith(tool, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The request offers no tool {tool}; it offers: {string.Join(", ", offered)}.");
    }

    private static string TextOf(FunctionResultContent? result) => result?.Result switch
    {
        null => "nothing",
        IEnumerable<AIContent> contents => TextOf(contents),
        // A framework that serialises results (Semantic Kernel does) hands over the content list as JSON.
        var other when other.ToString() is { } text => text.TrimStart().StartsWith('[') && TryReadContents(text) is { } contents ? TextOf(contents) : text,
        _ => string.Empty,
    };

    private static string TextOf(IEnumerable<AIContent> contents) => string.Join('\n', contents.OfType<TextContent>().Select(t => t.Text));

    private static List<AIContent>? TryReadContents(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<AIContent>>(json, AIJsonUtilities.DefaultOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>One user message of a script and the tool calls the scripted model answers it with.</summary>
/// <param name="UserMessage">What the user says.</param>
/// <param name="Answer">The first words of the model's final answer.</param>
/// <param name="Calls">The tools to call, in order, by their name and arguments.</param>
internal sealed record ScriptedTurn(string UserMessage, string Answer, params IReadOnlyList<(string Tool, Dictionary<string, object?> Arguments)> Calls);
