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
    private static readonly AsyncLocal<IProgress<ExecutionEvent>?> s_output = new();

    /// <summary>Gets the ambient conversation key of the current asynchronous flow, or <see langword="null"/>.</summary>
    public static string? Current => s_current.Value;

    /// <summary>Gets the observer of the current asynchronous flow's cell output (see <see cref="ObserveOutput"/>), or <see langword="null"/>.</summary>
    public static IProgress<ExecutionEvent>? CurrentOutput => s_output.Value;

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
        return new Scope(() => s_current.Value = previous);
    }

    /// <summary>
    /// Hands the output of every cell the IpyBox tools run in the current asynchronous flow (<c>execute_python</c>,
    /// <c>install_packages</c>, the code interpreter's <c>run_python</c>) to <paramref name="output"/> while the cell runs, until
    /// the returned scope is disposed. Set it around a chat call, as <see cref="Begin"/>, to show a tool call's output as it
    /// arrives (a web page, a console); the model still gets the tool's result when the cell ends.
    /// </summary>
    /// <param name="output">
    /// Receives each cell's <see cref="ExecutionEvent"/>s in the order the kernel sends them, on the thread that reads them: keep it
    /// quick. Cells that run at the same time in this flow (parallel tool calls) report to it concurrently.
    /// </param>
    /// <returns>A scope that restores the previous observer when disposed.</returns>
    /// <example>
    /// <code>
    /// using (IpyBoxConversation.Begin(threadId))
    /// using (IpyBoxConversation.ObserveOutput(pageOutput))   // an IProgress&lt;ExecutionEvent&gt; that shows each event
    /// {
    ///     await foreach (var update in chatClient.GetStreamingResponseAsync(messages, options)) { /* ... */ }
    /// }
    /// </code>
    /// </example>
    public static IDisposable ObserveOutput(IProgress<ExecutionEvent> output)
    {
        Throw.IfNull(output);
        var previous = s_output.Value;
        s_output.Value = output;
        return new Scope(() => s_output.Value = previous);
    }

    private sealed class Scope(Action restore) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                restore();
            }
        }
    }
}
