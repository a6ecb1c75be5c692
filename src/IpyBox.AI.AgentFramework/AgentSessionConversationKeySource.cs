using Microsoft.Agents.AI;

namespace IpyBox.AI;

/// <summary>
/// Finds the conversation key of a tool call in the current Agent Framework run (<see cref="AIAgent.CurrentRunContext"/>):
/// each <see cref="AgentSession"/> gets its own key, kept in its state bag, so that IpyBox tools given straight to an agent
/// still use one sandbox per session.
/// </summary>
/// <remarks>Add it to <see cref="IpyBoxOptions.ConversationKeySources"/>, or call <c>AddIpyBox().AddAgentFrameworkSessions()</c>.</remarks>
public sealed class AgentSessionConversationKeySource : IConversationKeySource
{
    /// <summary>Gets the shared instance; it holds no state.</summary>
    public static AgentSessionConversationKeySource Instance { get; } = new();

    /// <summary>Returns the key of the current run's session, creating it on first use; <see langword="null"/> outside an agent run.</summary>
    /// <returns>The key, or <see langword="null"/>.</returns>
    public string? GetConversationKey() =>
        AIAgent.CurrentRunContext?.Session is { } session ? AgentSessionSandboxKey.GetOrCreate(session) : null;
}
