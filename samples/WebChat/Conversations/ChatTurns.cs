using IpyBox.AI;
using Microsoft.Extensions.AI;

/// <summary>
/// Runs a conversation's turns in the background: the model and its tool calls, in the conversation's sandbox, with the
/// model's text, the approvals it asks for and the tools' results appended to the page's events as they stream.
/// </summary>
internal sealed partial class ChatTurns(
    IChatClient chat,
    ChatOptions options,
    SandboxSessionManager sessions,
    ConversationStore conversations,
    IHostApplicationLifetime lifetime,
    ILogger<ChatTurns> logger)
{
    /// <summary>Starts a turn that <see cref="WebConversation.TryBeginTurn"/> began, with <paramref name="message"/> from the user.</summary>
    public void Start(WebConversation conversation, ChatMessage message, CancellationToken stop) =>
        _ = Task.Run(() => RunAsync(conversation, message, stop), CancellationToken.None);

    /// <summary>
    /// Continues the conversation with the user's answers once every code approval is answered and no turn runs (a turn
    /// that is still ending continues it when it ends).
    /// </summary>
    public void ContinueIfAnswered(WebConversation conversation)
    {
        if (!conversation.TryBeginTurn(out var stop))
        {
            return;
        }

        if (conversation.TakeContinuation() is { } answers)
        {
            Start(conversation, answers, stop);
        }
        else
        {
            conversation.EndTurn();
        }
    }

    private async Task RunAsync(WebConversation conversation, ChatMessage message, CancellationToken stop)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stop, lifetime.ApplicationStopping);
        var events = conversation.Events;
        events.Append("turn-start", new { });
        try
        {
            conversation.History.Add(message);
            var session = await sessions.GetOrCreateAsync(conversation.Key, cancellation.Token);
            conversations.Track(conversation, session.SandboxId);
            events.Append("sandbox", new { id = session.SandboxId });

            List<ChatResponseUpdate> updates = [];
            using (IpyBoxConversation.Begin(conversation.Key))
            using (IpyBoxConversation.ObserveOutput(new CellOutputEvents(events)))
            {
                await foreach (var update in chat.GetStreamingResponseAsync(conversation.History, options.Clone(), cancellation.Token))
                {
                    updates.Add(update);
                    Show(conversation, update);
                }
            }

            conversation.History.AddMessages(updates);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            events.Append("notice", new { text = "Stopped. The kernel was interrupted and keeps its state." });
        }
#pragma warning disable CA1031 // Whatever the model or a tool throws ends this turn with a message on the page, not the application.
        catch (Exception e)
#pragma warning restore CA1031
        {
            TurnFailed(logger, conversation.Key, e);
            events.Append("failure", new { message = e.Message });
        }
        finally
        {
            conversation.EndTurn();
            events.Append("turn-end", new { });
        }

        // Answers given while this turn was ending.
        ContinueIfAnswered(conversation);
    }

    private static void Show(WebConversation conversation, ChatResponseUpdate update)
    {
        var events = conversation.Events;
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    events.Append("text", new { text = text.Text });
                    break;
                case ToolApprovalRequestContent { ToolCall: FunctionCallContent call } request:
                    conversation.AskCodeApproval(request);
                    events.Append("approval", new { id = request.RequestId, callId = call.CallId, kind = "code", name = call.Name, code = ToolCallText.Of(call) });
                    break;
                case FunctionResultContent result:
                    events.Append("call-end", new { id = result.CallId, text = ToolCallText.OfResult(result.Result) });
                    break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A turn of conversation {Key} failed.")]
    private static partial void TurnFailed(ILogger logger, string key, Exception error);
}
