using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

/// <summary>
/// One browser session's conversation: its chat history, the events its page shows, the approvals it waits for, and
/// whether a turn is running. Its key is also its sandbox's conversation key.
/// </summary>
#pragma warning disable CA1001 // The running turn's token source is disposed when the turn ends (EndTurn); none outlives it.
internal sealed class WebConversation(string key)
#pragma warning restore CA1001
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _hostToolApprovals = new();
    private readonly List<ToolApprovalRequestContent> _codeApprovals = [];
    private readonly List<ToolApprovalResponseContent> _codeAnswers = [];
    private readonly List<string> _notes = [];
    private readonly Lock _gate = new();
    private CancellationTokenSource? _turn;

    /// <summary>Gets the conversation key: the cookie's value, and the key of the conversation's sandbox.</summary>
    public string Key { get; } = key;

    /// <summary>Gets the messages so far, in the model's terms. Only the running turn changes them.</summary>
    public List<ChatMessage> History { get; } = [];

    /// <summary>Gets what the page shows.</summary>
    public EventLog Events { get; } = new();

    /// <summary>Gets or sets the id of the conversation's sandbox, once it has one.</summary>
    public string? SandboxId { get; set; }

    /// <summary>Gets a value indicating whether a turn is running.</summary>
    public bool IsBusy
    {
        get
        {
            lock (_gate)
            {
                return _turn is not null;
            }
        }
    }

    /// <summary>Marks a turn as running, unless one is; its token is cancelled by <see cref="Stop"/>.</summary>
    public bool TryBeginTurn(out CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            cancellationToken = default;
            if (_turn is not null)
            {
                return false;
            }

            _turn = new CancellationTokenSource();
            cancellationToken = _turn.Token;
            return true;
        }
    }

    /// <summary>Marks the running turn as ended.</summary>
    public void EndTurn()
    {
        lock (_gate)
        {
            _turn?.Dispose();
            _turn = null;
        }
    }

    /// <summary>Cancels the running turn, if any: its cell is interrupted.</summary>
    public bool Stop()
    {
        lock (_gate)
        {
            _turn?.Cancel();
            return _turn is not null;
        }
    }

    /// <summary>Keeps a note for the model, sent with the user's next message (an uploaded file, for example).</summary>
    public void AddNote(string note)
    {
        lock (_gate)
        {
            _notes.Add(note);
        }
    }

    /// <summary>
    /// The next user message: the notes kept since the last one, the answers to the code approvals asked before (a request
    /// left unanswered is declined, because the user moved on), then <paramref name="text"/>.
    /// </summary>
    public ChatMessage NextUserMessage(string text)
    {
        lock (_gate)
        {
            List<AIContent> contents = [.. _notes.Select(n => new TextContent(n)), .. TakeCodeAnswers(declineRest: true), new TextContent(text)];
            _notes.Clear();
            return new ChatMessage(ChatRole.User, contents);
        }
    }

    /// <summary>Keeps a code approval request of the running turn, for the user to answer.</summary>
    public void AskCodeApproval(ToolApprovalRequestContent request)
    {
        lock (_gate)
        {
            _codeApprovals.Add(request);
        }
    }

    /// <summary>Records the user's answer to a code approval request; <see langword="false"/> when none with that id waits.</summary>
    public bool TryAnswerCode(string requestId, bool approved)
    {
        lock (_gate)
        {
            var request = _codeApprovals.Find(r => r.RequestId == requestId);
            if (request is null)
            {
                return false;
            }

            _codeApprovals.Remove(request);
            _codeAnswers.Add(request.CreateResponse(approved, approved ? null : "The user declined to run this code."));
            return true;
        }
    }

    /// <summary>
    /// Once every code approval request is answered, takes the message that carries the answers, which continues the
    /// conversation; <see langword="null"/> while one waits or when there is nothing to answer.
    /// </summary>
    public ChatMessage? TakeContinuation()
    {
        lock (_gate)
        {
            return _codeApprovals.Count == 0 && _codeAnswers.Count > 0
                ? new ChatMessage(ChatRole.User, [.. TakeCodeAnswers(declineRest: false)])
                : null;
        }
    }

    /// <summary>Shows <paramref name="prompt"/> as an approval event with <paramref name="id"/> and waits for the user's answer.</summary>
    public async Task<bool> AskHostToolAsync(string id, object prompt, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _hostToolApprovals[id] = answer;
        try
        {
            Events.Append("approval", prompt);
            return await answer.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _hostToolApprovals.TryRemove(id, out _);
        }
    }

    /// <summary>Hands the user's answer to the host tool call waiting for it.</summary>
    public bool TryAnswerHostTool(string id, bool approved) =>
        _hostToolApprovals.TryRemove(id, out var answer) && answer.TrySetResult(approved);

    private List<AIContent> TakeCodeAnswers(bool declineRest)
    {
        List<AIContent> answers = [.. _codeAnswers];
        if (declineRest)
        {
            answers.AddRange(_codeApprovals.Select(r => r.CreateResponse(approved: false, "The user moved on without answering.")));
            _codeApprovals.Clear();
        }

        _codeAnswers.Clear();
        return answers;
    }
}
