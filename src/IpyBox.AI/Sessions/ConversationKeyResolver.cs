using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace IpyBox.AI;

/// <summary>
/// Finds the conversation a tool call belongs to, in the order <see cref="IpyBoxConversation"/> documents: the key the
/// tools were bound to; the ambient key (<see cref="IpyBoxConversation.Begin"/>); <see cref="IpyBoxConversation.PropertyName"/>
/// in the current <c>ChatOptions.AdditionalProperties</c> (during <see cref="FunctionInvokingChatClient"/> invocation);
/// the same name in Semantic Kernel's <see cref="Kernel.Data"/>; finally the configured default.
/// </summary>
internal static class ConversationKeyResolver
{
    /// <summary>Returns the conversation key of the current call.</summary>
    /// <param name="boundKey">The key the tools were bound to, or <see langword="null"/>.</param>
    /// <param name="kernel">The Semantic Kernel the call came through, or <see langword="null"/>.</param>
    /// <param name="defaultKey">The key of calls that carry none (<see cref="IpyBoxOptions.DefaultConversationKey"/>).</param>
    /// <param name="sources">More sources, asked after the ambient key (<see cref="IpyBoxOptions.ConversationKeySources"/>).</param>
    /// <returns>The key, or <see langword="null"/> when the call carries none and there is no default.</returns>
    public static string? Resolve(string? boundKey, Kernel? kernel, string? defaultKey, IEnumerable<IConversationKeySource>? sources = null)
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
            if (AsKey(source.GetConversationKey()) is { } sourced)
            {
                return sourced;
            }
        }

        if (FunctionInvokingChatClient.CurrentContext?.Options?.AdditionalProperties is { } properties
            && properties.TryGetValue(IpyBoxConversation.PropertyName, out var fromOptions)
            && AsKey(fromOptions) is { } optionsKey)
        {
            return optionsKey;
        }

        if (kernel is not null
            && kernel.Data.TryGetValue(IpyBoxConversation.PropertyName, out var fromKernel)
            && AsKey(fromKernel) is { } kernelKey)
        {
            return kernelKey;
        }

        return defaultKey;
    }

    private static string? AsKey(object? value) =>
        Convert.ToString(value, CultureInfo.InvariantCulture) is { } key && !string.IsNullOrWhiteSpace(key) ? key : null;
}
