namespace IpyBox.AI;

/// <summary>
/// One more place the AI tools look for the conversation key of a call, for frameworks that carry their own notion of a
/// conversation in an ambient context (for example the current Agent Framework run's session).
/// </summary>
/// <remarks>
/// Sources are asked in the order of <see cref="IpyBoxOptions.ConversationKeySources"/>, after the key the tools were bound
/// to and the ambient <see cref="IpyBoxConversation"/> key, and before the chat options, the kernel data and
/// <see cref="IpyBoxOptions.DefaultConversationKey"/>. A source must be cheap and must not block: it runs on every tool call.
/// </remarks>
public interface IConversationKeySource
{
    /// <summary>Returns the conversation key of the current call, or <see langword="null"/> when this source knows none.</summary>
    /// <returns>The key, or <see langword="null"/>.</returns>
    string? GetConversationKey();
}
