using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// The host side of one sandbox's tool bridge, owned by that sandbox's <see cref="ToolBridgeSandbox"/>: a message handler on
/// that sandbox only, serving the tool sets registered on it. The kernel-side runtime sends <c>input_request</c>s whose prompt
/// is <see cref="Marker"/> followed by a JSON envelope <c>{"rid", "calls": [{"id", "set", "tool", "args"}], "await": [ids]}</c>;
/// the host starts the new calls in the background (approval first), then answers <c>{"rid", "results": [...]}</c> as soon as
/// an awaited call has finished, or after <see cref="s_hold"/> with nothing so other threads of the cell get their turn on
/// stdin. A finished call stays until a request no longer awaits it, so a reply lost to an interrupted request is delivered again.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A stop source is cancelled when the last set is removed or the sandbox is disposed; calls still in flight may link to it, so it is left to the collector.")]
internal sealed class ToolBridgeHost : IJupyterMessageHandler
{
    /// <summary>The prefix of a bridge request's prompt; an ordinary <c>input()</c> prompt does not start with it.</summary>
    public const string Marker = "\u001eipybox-tools/1 ";

    private const int MaxCallsPerRequest = 1024;
    private const int MaxIdLength = 128;
    private static readonly TimeSpan s_hold = TimeSpan.FromMilliseconds(200);

    // A result value may nest ToolBridgeRequest.MaxValueDepth levels inside the answer's own few; the writer's default would refuse it.
    private static readonly JsonSerializerOptions s_wire = new() { MaxDepth = 2 * ToolBridgeRequest.MaxValueDepth };

    private readonly ISandbox _sandbox;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, PendingCall> _calls = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ToolBridgeSet> _sets = new(StringComparer.Ordinal);
    private CancellationTokenSource _stopping = new();
    private ToolSearchIndex? _index;
    private SkillBinding? _skills;
    private IDisposable? _handler;
    private bool _stopped;

    /// <summary>Initializes a new instance of the <see cref="ToolBridgeHost"/> class for <paramref name="sandbox"/>; no handler is added until a set is registered.</summary>
    /// <param name="sandbox">The sandbox whose calls it serves: the handler goes on it, and approval requests name it.</param>
    /// <param name="timeProvider">The clock of the bridge's waits.</param>
    /// <param name="loggerFactory">Logs calls, rejections and failures, and the connections of MCP servers registered on the sandbox.</param>
    public ToolBridgeHost(ISandbox sandbox, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _sandbox = sandbox;
        _time = timeProvider;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ToolBridgeHost>();
    }

    /// <summary>Gets the logger factory of the bridge, which also logs the connections of MCP servers registered on the sandbox.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Gets the registered sets, in registration order.</summary>
    public IReadOnlyList<ToolBridgeSet> Sets
    {
        get
        {
            lock (_gate)
            {
                return [.. _sets.Values];
            }
        }
    }

    /// <summary>Gets the search index over the functions of the registered sets, built when first read after a change.</summary>
    public ToolSearchIndex Index
    {
        get
        {
            lock (_gate)
            {
                return _index ??= new ToolSearchIndex([.. _sets.Values.SelectMany(set => set.Package.Documents), .. _skills?.Documents() ?? []]);
            }
        }
    }

    /// <summary>Gets the skills of the sandbox, or <see langword="null"/> when they are not enabled.</summary>
    public SkillBinding? Skills
    {
        get
        {
            lock (_gate)
            {
                return _skills;
            }
        }
    }

    /// <summary>Serves <c>save_skill</c> and lists the skills in the index, adding the handler to the sandbox when it has none.</summary>
    /// <exception cref="ObjectDisposedException">The sandbox was disposed.</exception>
    public void EnableSkills(SkillBinding skills)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, _sandbox);
            _skills = skills;
            _index = null;
            _handler ??= _sandbox.AddMessageHandler(this);
        }
    }

    /// <summary>Rebuilds the index when next read: a skill was saved.</summary>
    public void InvalidateIndex()
    {
        lock (_gate)
        {
            _index = null;
        }
    }

    /// <summary>Reserves <paramref name="set"/>'s package name, adding the handler to the sandbox on the first set.</summary>
    /// <exception cref="InvalidOperationException">A set with the same package name is registered on the sandbox.</exception>
    /// <exception cref="ObjectDisposedException">The sandbox was disposed.</exception>
    public void Register(ToolBridgeSet set)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, _sandbox);
            if (!_sets.TryAdd(set.Package.PackageName, set))
            {
                throw new InvalidOperationException(
                    $"A tool set named '{_sets[set.Package.PackageName].Set.Name}' already uses the Python package {set.Package.Module} on this sandbox. " +
                    "Dispose its registration first or give the set another name.");
            }

            _index = null;
            _handler ??= _sandbox.AddMessageHandler(this);
        }
    }

    /// <summary>Removes <paramref name="set"/>; the last removal takes the handler off the sandbox and cancels calls in flight.</summary>
    public void Unregister(ToolBridgeSet set)
    {
        CancellationTokenSource stopped;
        lock (_gate)
        {
            if (!_sets.TryGetValue(set.Package.PackageName, out var current) || !ReferenceEquals(current, set))
            {
                return;
            }

            _sets.Remove(set.Package.PackageName);
            _index = null;
            if (_sets.Count > 0 || _skills is not null)
            {
                return;
            }

            stopped = StopServing();
        }

        stopped.Cancel();
    }

    /// <summary>Removes every set, takes the handler off the sandbox and cancels calls in flight, for good: the sandbox is being disposed.</summary>
    public void Stop()
    {
        CancellationTokenSource stopped;
        lock (_gate)
        {
            _stopped = true;
            _sets.Clear();
            _skills = null;
            _index = null;
            stopped = StopServing();
        }

        stopped.Cancel();
    }

    /// <inheritdoc />
    public bool Handle(JupyterMessage message, IJupyterMessageSender sender)
    {
        if (message.MessageType != "input_request" || message.GetString("prompt") is not { } prompt || !prompt.StartsWith(Marker, StringComparison.Ordinal))
        {
            return false;
        }

        // Handlers run on the connection's receive path: parse and serve elsewhere.
        _ = Task.Run(() => ServeAsync(message, prompt, sender));
        return true;
    }

    private static JsonObject CouldNotServe(string prompt) =>
        new() { ["rid"] = ToolBridgeRequest.LeadingRequestId(prompt.AsSpan(Marker.Length)), ["error"] = "The host could not serve the tool call." };

    /// <summary>
    /// Under the gate: takes the handler off the sandbox and forgets the calls; returns the stop source of the calls in flight,
    /// for the caller to cancel outside the gate (cancellation runs the tools' callbacks). Sets registered later start afresh.
    /// </summary>
    private CancellationTokenSource StopServing()
    {
        _handler?.Dispose();
        _handler = null;
        _calls.Clear();
        var stopped = _stopping;
        _stopping = new CancellationTokenSource();
        return stopped;
    }

    private async Task ServeAsync(JupyterMessage message, string prompt, IJupyterMessageSender sender)
    {
        JsonObject answer;
        try
        {
            answer = await AnswerAsync(message, prompt, sender).ConfigureAwait(false);
        }
        catch (ToolBridgeRequestException ex)
        {
            answer = new JsonObject { ["rid"] = ex.RequestId, ["error"] = ex.Message };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ToolBridgeFailed(_logger, _sandbox.Id, ex);
            answer = CouldNotServe(prompt);
        }

        string reply;
        try
        {
            reply = answer.ToJsonString(s_wire);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Every request gets an answer with its id, or the kernel would wait for it or take the next one for it.
            Log.ToolBridgeFailed(_logger, _sandbox.Id, ex);
            reply = CouldNotServe(prompt).ToJsonString();
        }

        try
        {
            await sender.SendAsync("stdin", "input_reply", new JsonObject { ["value"] = reply }, message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ToolBridgeReplyFailed(_logger, _sandbox.Id, ex);
        }
    }

    private async Task<JsonObject> AnswerAsync(JupyterMessage message, string prompt, IJupyterMessageSender sender)
    {
        var request = ToolBridgeRequest.Parse(prompt.AsSpan(Marker.Length), MaxCallsPerRequest, MaxIdLength);
        var results = new JsonArray();
        var submitted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var call in request.Calls)
        {
            submitted.Add(call.Id);
            if (!_calls.ContainsKey(call.Id))
            {
                // One call (the usual case) starts right here, saving a thread hop; several start side by side.
                _calls.TryAdd(call.Id, Start(call, message, sender, inline: request.Calls.Count == 1));
            }
        }

        // A finished call that no request awaits any more was delivered (or its caller gave up): forget it.
        var awaited = new HashSet<string>(request.Await, StringComparer.Ordinal);
        foreach (var (id, call) in _calls)
        {
            if (call.Result.IsCompleted && !awaited.Contains(id) && !submitted.Contains(id))
            {
                _calls.TryRemove(id, out _);
            }
        }

        var waiting = new List<PendingCall>();
        foreach (var id in awaited)
        {
            if (_calls.TryGetValue(id, out var call))
            {
                waiting.Add(call);
            }
            else
            {
                results.Add(ToolBridgeCallReading.Failure(id, "bridge", "The host knows no such call; the sandbox's tools may have been re-registered."));
            }
        }

        if (results.Count == 0 && waiting.Count > 0 && !waiting.Any(call => call.Result.IsCompleted))
        {
            CancellationToken stopping;
            lock (_gate)
            {
                stopping = _stopping.Token;
            }

            using var hold = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var delay = Task.Delay(s_hold, _time, hold.Token);
            await Task.WhenAny(waiting.Select(call => (Task)call.Result).Append(delay)).ConfigureAwait(false);
            await hold.CancelAsync().ConfigureAwait(false);
        }

        var size = 0;
        foreach (var call in waiting.Where(call => call.Result.IsCompletedSuccessfully))
        {
            var result = call.Result.Result;
            var length = result.ToJsonString(s_wire).Length;
            if (results.Count > 0 && size + length > ToolBridgeOptions.MaxDeliverableBytes)
            {
                break; // The rest goes with the next answer, which comes at once.
            }

            size += length;
            results.Add(result.DeepClone());
        }

        return new JsonObject { ["rid"] = request.RequestId, ["results"] = results };
    }

    private PendingCall Start(ToolBridgeCall call, JupyterMessage message, IJupyterMessageSender sender, bool inline)
    {
        if (call.SetName == ToolDiscoveryCalls.SetName)
        {
            return PendingCall.Done(ToolDiscoveryCalls.Answer(call, Index));
        }

        if (call.SetName == SkillCalls.SetName)
        {
            var saved = SkillCalls.Answer(call, Skills);
            InvalidateIndex();
            return PendingCall.Done(saved);
        }

        ToolBridgeSet? set;
        CancellationToken stopping;
        lock (_gate)
        {
            _sets.TryGetValue(call.SetName, out set);
            stopping = _stopping.Token;
        }

        AIFunction? tool = null;
        if (set is null || !set.Tools.TryGetValue(call.ToolName, out tool))
        {
            return PendingCall.Done(ToolBridgeCallReading.Failure(call.Id, "bridge", $"No tool '{call.ToolName}' of a set '{call.SetName}' is registered on this sandbox."));
        }

        if (_calls.Values.Count(pending => ReferenceEquals(pending.Set, set)) >= set.Options.MaxPendingCalls)
        {
            return PendingCall.Done(ToolBridgeCallReading.Failure(call.Id, "bridge", $"Too many calls of {set.Package.Module} are in flight (at most {set.Options.MaxPendingCalls}); wait for some to finish."));
        }

        if (call.Arguments.GetRawText().Length > set.Options.MaxArgumentBytes)
        {
            return PendingCall.Done(ToolBridgeCallReading.Failure(call.Id, "bridge", $"The arguments of {call.ToolName} are larger than {set.Options.MaxArgumentBytes} characters of JSON."));
        }

        return new PendingCall(set, inline ? RunAsync(set, tool, call, message, sender, stopping) : Task.Run(() => RunAsync(set, tool, call, message, sender, stopping)));
    }

    private async Task<JsonObject> RunAsync(
        ToolBridgeSet set, AIFunction tool, ToolBridgeCall call, JupyterMessage message, IJupyterMessageSender sender, CancellationToken stopping)
    {
        var arguments = call.Arguments.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
        try
        {
            if (set.NeedsApproval(tool))
            {
                var rejection = await AskApprovalAsync(set, tool, call, arguments, message, sender, stopping).ConfigureAwait(false);
                if (rejection is not null)
                {
                    Log.ToolCallRejected(_logger, tool.Name, _sandbox.Id);
                    return ToolBridgeCallReading.Failure(call.Id, "rejected", rejection);
                }
            }

            Log.ToolCallStarted(_logger, tool.Name, _sandbox.Id);
            var result = await tool.InvokeAsync(new AIFunctionArguments(arguments), stopping).ConfigureAwait(false);
            var value = ToolResultEncoder.Encode(result, tool.JsonSerializerOptions);
            var length = value.ToJsonString(s_wire).Length;
            if (length > set.Options.MaxResultBytes)
            {
                return ToolBridgeCallReading.Failure(call.Id, "bridge", $"The result of {tool.Name} is {length} characters once encoded; the limit is {set.Options.MaxResultBytes}.");
            }

            return new JsonObject { ["id"] = call.Id, ["value"] = value };
        }
        catch (ToolCallFailedException ex)
        {
            return ToolBridgeCallReading.Failure(call.Id, "tool", ex.Message);
        }
        catch (ToolResultUnreadableException ex)
        {
            return ToolBridgeCallReading.Failure(call.Id, "bridge", $"The result of {tool.Name} cannot be delivered: {ex.Message}.");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return ToolBridgeCallReading.Failure(call.Id, "bridge", $"The tools of {set.Package.Module} were unregistered while {tool.Name} ran.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The cell gets the message only: a host stack trace says nothing to sandbox code and may reveal too much.
            Log.ToolCallFailed(_logger, tool.Name, _sandbox.Id, ex);
            return ToolBridgeCallReading.Failure(call.Id, "tool", $"{tool.Name} failed: {ex.Message}");
        }
    }

    /// <summary>Asks the application; returns <see langword="null"/> when approved, else the reason for the rejection.</summary>
    private async Task<string?> AskApprovalAsync(
        ToolBridgeSet set,
        AIFunction tool,
        ToolBridgeCall call,
        Dictionary<string, object?> arguments,
        JupyterMessage message,
        IJupyterMessageSender sender,
        CancellationToken stopping)
    {
        if (set.Options.ApprovalHandler is not { } handler)
        {
            return $"The call of {tool.Name} needs the application's approval and no approval handler is configured.";
        }

        // Waiting for a decision is the host's time, not the cell's: stop the execution's clock meanwhile.
        using var pause = (sender as IExecutionTimeoutPause)?.PauseTimeout(message.ParentId);
        try
        {
            var request = new HostToolApprovalRequest(_sandbox, set.Set.Name, tool, new FunctionCallContent(call.Id, tool.Name, arguments));
            var approval = await handler(request, stopping).ConfigureAwait(false);
            return approval.Approved ? null : approval.Reason ?? $"The application rejected the call of {tool.Name}.";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ToolApprovalFailed(_logger, tool.Name, _sandbox.Id, ex);
            return $"The call of {tool.Name} was rejected: its approval failed.";
        }
    }

    private sealed record PendingCall(ToolBridgeSet? Set, Task<JsonObject> Result)
    {
        public static PendingCall Done(JsonObject result) => new(null, Task.FromResult(result));
    }
}
