namespace IpyBox.AI;

/// <summary>Creates the AI tools over a <see cref="SandboxSessionManager"/>.</summary>
public static class SandboxSessionManagerExtensions
{
    /// <summary>Creates the tools bound to one conversation, or (with <see langword="null"/>) tools that find the conversation per call.</summary>
    /// <param name="sessions">The sandboxes of the conversations.</param>
    /// <param name="conversationKey">The conversation key, or <see langword="null"/> to resolve it per call (see <see cref="IpyBoxConversation"/>).</param>
    /// <returns>The plugin; add it to a Semantic Kernel or call <see cref="IpyBoxPlugin.AsAIFunctions"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sessions"/> is <see langword="null"/>.</exception>
    public static IpyBoxPlugin CreatePlugin(this SandboxSessionManager sessions, string? conversationKey = null) => new(Throw.IfNull(sessions), conversationKey);
}
