using System.Runtime.CompilerServices;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>
/// Gives every <see cref="AgentSession"/> its own Python sandbox: on each run it contributes the IpyBox tools bound to the
/// session's sandbox and short instructions for the model. The sandbox's key lives in the session's
/// <see cref="AgentSession.StateBag"/>, so a serialised and restored session keeps its sandbox while the
/// <see cref="SandboxSessionManager"/> still holds it (sandboxes end when idle for <see cref="IpyBoxOptions.SessionIdleTimeout"/>;
/// a later call then starts a fresh one under the same key).
/// </summary>
/// <remarks>
/// Register it in <c>ChatClientAgentOptions.AIContextProviders</c>. The tools of a session are built on its first run and
/// reused by its later runs for as long as the session object lives. End a session's sandbox with <see cref="EndSessionAsync"/>
/// when the application deletes the session, or wrap the session store in an <see cref="IpyBoxAgentSessionStore"/>.
/// Approval (<see cref="IpyBoxOptions.RequireApproval"/>) surfaces through the agent as <c>ToolApprovalRequestContent</c>.
/// </remarks>
public sealed class IpyBoxContextProvider : AIContextProvider
{
    private readonly IpyBoxContextProviderOptions _options;

    // Weak on the session: the entry goes with the session object, so ended, deleted or forgotten sessions leave nothing here.
    private readonly ConditionalWeakTable<AgentSession, SessionTools> _tools = new();

    /// <summary>Initializes a new instance of the <see cref="IpyBoxContextProvider"/> class.</summary>
    /// <param name="sessions">The sandboxes; one conversation per agent session.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sessions"/> is <see langword="null"/>.</exception>
    public IpyBoxContextProvider(SandboxSessionManager sessions, IpyBoxContextProviderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        Sessions = sessions;
        _options = options ?? new IpyBoxContextProviderOptions();
    }

    /// <summary>Gets the sandboxes of the sessions.</summary>
    public SandboxSessionManager Sessions { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> StateKeys { get; } = [AgentSessionSandboxKey.StateKey];

    /// <summary>Returns the conversation key of the session's sandbox, creating it on first use.</summary>
    /// <param name="session">The agent session.</param>
    /// <returns>The key, stored in the session's state bag.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public static string GetConversationKey(AgentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return AgentSessionSandboxKey.GetOrCreate(session);
    }

    /// <summary>Removes the session's sandbox, if it has one. Call it when the application deletes the session.</summary>
    /// <param name="session">The agent session.</param>
    /// <param name="cancellationToken">Cancels waiting for the removal; the sandbox is removed from the manager either way.</param>
    /// <returns><see langword="true"/> when a sandbox was removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public Task<bool> EndSessionAsync(AgentSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return AgentSessionSandboxKey.TryGet(session) is { } key
            ? Sessions.EndSessionAsync(key, cancellationToken)
            : Task.FromResult(false);
    }

    /// <summary>Contributes the tools bound to the session's sandbox and the instructions.</summary>
    /// <param name="context">The run that is starting.</param>
    /// <param name="cancellationToken">Not used; no sandbox starts until a tool is called.</param>
    /// <returns>The tools and instructions for this run.</returns>
    protected override ValueTask<AIContext> ProvideAIContextAsync(InvokingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Session is not { } session)
        {
            // Without a session there is nothing to bind a sandbox to; the agent normally creates one per run.
            return new(new AIContext());
        }

        return new(new AIContext
        {
            Instructions = string.IsNullOrWhiteSpace(_options.Instructions) ? null : _options.Instructions,

            // The same tools, in a collection of this run's own: the cached array never leaves the provider.
            Tools = [.. ToolsOf(session)],
        });
    }

    /// <summary>
    /// Returns the tools bound to the session's sandbox: built on the session's first run, then reused. The key in the
    /// session's state bag decides which sandbox they use; should it ever change, the tools are built again for the new key.
    /// </summary>
    private AITool[] ToolsOf(AgentSession session)
    {
        var key = AgentSessionSandboxKey.GetOrCreate(session);
        var tools = _tools.GetValue(session, _ => Build(key));
        if (tools.ConversationKey != key)
        {
            tools = Build(key);
            _tools.AddOrUpdate(session, tools);
        }

        return tools.Tools;
    }

    private SessionTools Build(string key) => new(key, [.. Sessions.CreatePlugin(key).AsAIFunctions()]);

    /// <summary>The tools built for a session and the key they are bound to.</summary>
    private sealed record SessionTools(string ConversationKey, AITool[] Tools);
}
