using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.IntegrationTests;

/// <summary>A <see cref="ScriptedChatClient"/> that also streams: each scripted response is sent as its updates, one per content.</summary>
public sealed class StreamingScriptedChatClient(ScriptedChatClient script) : DelegatingChatClient(script)
{
    public ScriptedChatClient Script => script;

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await script.GetResponseAsync(messages, options, cancellationToken);
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                yield return new ChatResponseUpdate(message.Role, [content]) { MessageId = message.MessageId ?? "scripted" };
            }
        }
    }
}
