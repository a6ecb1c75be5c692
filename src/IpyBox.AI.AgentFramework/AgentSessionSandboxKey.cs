using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Agents.AI;

namespace IpyBox.AI;

/// <summary>
/// The conversation key of an agent session's sandbox, kept in the session's <see cref="AgentSession.StateBag"/> so that it
/// is serialised with the session and a restored session finds the same sandbox.
/// </summary>
internal static class AgentSessionSandboxKey
{
    /// <summary>The state-bag key under which the sandbox state is stored.</summary>
    public const string StateKey = "IpyBox.AI.Sandbox";

    private static readonly Lock s_lock = new();
    private static readonly JsonSerializerOptions s_json = new() { TypeInfoResolver = SandboxStateJsonContext.Default };

    /// <summary>Returns the session's key, creating and storing a new one on first use.</summary>
    public static string GetOrCreate(AgentSession session)
    {
        if (TryGet(session) is { } existing)
        {
            return existing;
        }

        lock (s_lock)
        {
            if (TryGet(session) is { } raced)
            {
                return raced;
            }

            var key = string.Create(CultureInfo.InvariantCulture, $"agent-session-{Guid.NewGuid():N}");
            session.StateBag.SetValue(StateKey, new SandboxState { ConversationKey = key }, s_json);
            return key;
        }
    }

    /// <summary>Returns the session's key, or <see langword="null"/> when it never used a sandbox.</summary>
    public static string? TryGet(AgentSession session) =>
        session.StateBag.TryGetValue<SandboxState>(StateKey, out var state, s_json) && !string.IsNullOrWhiteSpace(state?.ConversationKey)
            ? state.ConversationKey
            : null;

    /// <summary>What the state bag holds for IpyBox.</summary>
    internal sealed class SandboxState
    {
        [JsonPropertyName("conversationKey")]
        public string? ConversationKey { get; set; }
    }
}

/// <summary>Serialises the sandbox state without reflection.</summary>
[JsonSerializable(typeof(AgentSessionSandboxKey.SandboxState))]
internal sealed partial class SandboxStateJsonContext : JsonSerializerContext;
