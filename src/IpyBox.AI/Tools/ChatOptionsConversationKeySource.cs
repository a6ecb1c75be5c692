using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>
/// Finds the conversation key of a tool call in the chat options of the function-calling round that runs it:
/// <see cref="IpyBoxConversation.PropertyName"/> in <see cref="ChatOptions.AdditionalProperties"/> of
/// <see cref="FunctionInvokingChatClient.CurrentContext"/>. The Microsoft.Extensions.AI route of key resolution.
/// </summary>
internal sealed class ChatOptionsConversationKeySource : IConversationKeySource
{
    private ChatOptionsConversationKeySource()
    {
    }

    /// <summary>Gets the shared instance; it holds no state.</summary>
    public static ChatOptionsConversationKeySource Instance { get; } = new();

    /// <summary>Returns the key in the current round's chat options; <see langword="null"/> outside function invocation or when they carry none.</summary>
    /// <returns>The key, or <see langword="null"/>.</returns>
    public string? GetConversationKey() =>
        IpyBoxConversation.KeyIn(FunctionInvokingChatClient.CurrentContext?.Options?.AdditionalProperties);
}
