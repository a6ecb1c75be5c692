namespace IpyBox.AI;

/// <summary>
/// Finds the conversation a tool call belongs to, in the order <see cref="IpyBoxConversation"/> documents: the key the
/// tools were bound to; the ambient key (<see cref="IpyBoxConversation.Begin"/>); the sources in their order; finally the
/// configured default. The surfaces pass the application's <see cref="IpyBoxOptions.ConversationKeySources"/> followed by
/// their own sources for the framework a call came through, so this layer names no framework.
/// </summary>
internal static class ConversationKeyResolver
{
    /// <summary>Returns the conversation key of the current call.</summary>
    /// <param name="boundKey">The key the tools were bound to, or <see langword="null"/>.</param>
    /// <param name="defaultKey">The key of calls that carry none (<see cref="IpyBoxOptions.DefaultConversationKey"/>).</param>
    /// <param name="sources">The sources asked after the ambient key, in order; a blank key counts as none.</param>
    /// <returns>The key, or <see langword="null"/> when the call carries none and there is no default.</returns>
    public static string? Resolve(string? boundKey, string? defaultKey, IEnumerable<IConversationKeySource>? sources = null)
    {
        if (boundKey is not null)
        {
            return boundKey;
        }

        if (IpyBoxConversation.Current is { } ambient)
        {
            return ambient;
        }

        foreach (var source in sources ?? [])
        {
            if (source.GetConversationKey() is { } sourced && !string.IsNullOrWhiteSpace(sourced))
            {
                return sourced;
            }
        }

        return defaultKey;
    }
}
