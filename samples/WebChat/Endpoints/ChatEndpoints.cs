using IpyBox.AI;
using Microsoft.Extensions.AI;

/// <summary>The conversation's API: its events as server-sent events, the user's messages and answers, stop, and the sandbox's state.</summary>
internal static class ChatEndpoints
{
    public static void MapChat(this WebApplication app)
    {
        // Everything the page shows, replayed from the start or from Last-Event-ID, then live.
        app.MapGet("/api/events", (HttpContext http, ConversationStore store, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(store.For(http).Events.ReadAsync(http.Request.Headers["Last-Event-ID"].FirstOrDefault(), cancellationToken)));

        app.MapPost("/api/messages", (UserMessage message, HttpContext http, ConversationStore store, ChatTurns turns) =>
        {
            if (string.IsNullOrWhiteSpace(message.Text))
            {
                return Results.BadRequest("Write a message first.");
            }

            var conversation = store.For(http);
            if (!conversation.TryBeginTurn(out var stop))
            {
                return Results.Conflict("The model is still answering; wait for it or stop it.");
            }

            conversation.Events.Append("user", new { text = message.Text });
            turns.Start(conversation, conversation.NextUserMessage(message.Text), stop);
            return Results.Accepted();
        });

        // Code approvals continue the conversation once all of a turn's are answered; host-tool approvals release the waiting cell.
        app.MapPost("/api/approvals/{id}", (string id, ApprovalAnswer answer, HttpContext http, ConversationStore store, ChatTurns turns) =>
        {
            var conversation = store.For(http);
            if (conversation.TryAnswerHostTool(id, answer.Approved))
            {
                conversation.Events.Append("approval-answered", new { id, approved = answer.Approved });
                return Results.Ok();
            }

            if (!conversation.TryAnswerCode(id, answer.Approved))
            {
                return Results.NotFound("No approval with this id is waiting.");
            }

            conversation.Events.Append("approval-answered", new { id, approved = answer.Approved });
            turns.ContinueIfAnswered(conversation);
            return Results.Ok();
        });

        app.MapPost("/api/stop", (HttpContext http, ConversationStore store) =>
            store.For(http).Stop() ? Results.Ok() : Results.NoContent());

        app.MapGet("/api/state", (HttpContext http, ConversationStore store, SandboxSessionManager sessions, WebChatSettings settings, ChatModelInfo model) =>
        {
            var conversation = store.For(http);
            var pool = sessions.Provider.GetService<PoolingSandboxProvider>()?.GetStatistics();
            return Results.Ok(new
            {
                model = model.Name,
                demo = model.IsDemo,
                requireApproval = settings.RequireApproval,
                durable = settings.Durable,
                sandboxId = conversation.SandboxId,
                busy = conversation.IsBusy,
                pool = pool is null ? null : new { warm = pool.Warm, starting = pool.Starting, inUse = pool.InUse },
            });
        });
    }

    /// <summary>A message the user typed.</summary>
    internal sealed record UserMessage(string? Text);

    /// <summary>The user's answer to an approval prompt.</summary>
    internal sealed record ApprovalAnswer(bool Approved);
}

