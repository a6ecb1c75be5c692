using System.Globalization;

namespace IpyBox.AI;

/// <summary>
/// The ambient conversation key: which sandbox the IpyBox tools use when they are not bound to a key.
/// Set it around a chat call; it flows into every function-calling round of that call.
/// </summary>
/// <remarks>
/// <para>
/// The tools look for a key in this order: the key the <see cref="IpyBoxPlugin"/> was bound to; the ambient key set with
/// <see cref="Begin"/>; the application's <see cref="IpyBoxOptions.ConversationKeySources"/> (the Agent Framework package adds
/// the current agent session); <see cref="PropertyName"/> in the current <c>ChatOptions.AdditionalProperties</c> (during
/// function invocation by <c>FunctionInvokingChatClient</c>); <see cref="PropertyName"/> in the Semantic Kernel
/// <c>Kernel.Data</c>; finally <see cref="IpyBoxOptions.DefaultConversationKey"/>, which is unset by default so that a call
/// without a key fails instead of sharing a sandbox with every other unkeyed caller.
/// </para>
/// <para>
/// <c>ChatOptions.ConversationId</c> is not used: the function-invoking client replaces it after every round with the
/// service's response id, which stateless services leave empty.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using (IpyBoxConversation.Begin(threadId))
/// {
///     var response = await chatClient.GetResponseAsync(messages, options);
/// }
/// </code>
/// </example>
public static class IpyBoxConversation
{
    /// <summary>The key under which the conversation key is looked up in <c>ChatOptions.AdditionalProperties</c> and <c>Kernel.Data</c>.</summary>
    public const string PropertyName = "ipybox.conversation";

    private static readonly AsyncLocal<string?> s_current = new();

    /// <summary>Gets the ambient conversation key of the current asynchronous flow, or <see langword="null"/>.</summary>
    public static string? Current => s_current.Value;

    /// <summary>Reads the conversation key stored under <see cref="PropertyName"/> in a property bag.</summary>
    /// <param name="properties">The properties, or <see langword="null"/>.</param>
    /// <returns>The value as text in the invariant culture, or <see langword="null"/> when it is missing or blank.</returns>
    internal static string? KeyIn(IDictionary<string, object?>? properties) =>
        properties is not null
        && properties.TryGetValue(PropertyName, out var value)
        && Convert.ToString(value, CultureInfo.InvariantCulture) is { } key
        && !string.IsNullOrWhiteSpace(key)
            ? key
            : null;

    /// <summary>Sets the ambient conversation key until the returned scope is disposed.</summary>
    /// <param name="conversationKey">The conversation (chat thread) key.</param>
    /// <returns>A scope that restores the previous key when disposed.</returns>
    /// <exception cref="ArgumentException"><paramref name="conversationKey"/> is empty.</exception>
    public static IDisposable Begin(string conversationKey)
    {
        Throw.IfNullOrWhiteSpace(conversationKey);
        var previous = s_current.Value;
        s_current.Value = conversationKey;
        return new Scope(previous);
    }

    private sealed class Scope(string? previous) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                s_current.Value = previous;
            }
        }
    }
}
