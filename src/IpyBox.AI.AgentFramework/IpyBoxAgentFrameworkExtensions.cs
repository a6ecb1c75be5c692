using IpyBox.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Agent Framework integration of IpyBox.</summary>
public static class IpyBoxAgentFrameworkExtensions
{
    /// <summary>
    /// Lets the IpyBox tools find their sandbox through the current agent session
    /// (<see cref="AgentSessionConversationKeySource"/>) and registers an <see cref="IpyBoxContextProvider"/> for
    /// <c>ChatClientAgentOptions.AIContextProviders</c>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddIpyBox</c>.</param>
    /// <param name="configure">Configures the context provider.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    public static IpyBoxBuilder AddAgentFrameworkSessions(this IpyBoxBuilder builder, Action<IpyBoxContextProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<IpyBoxOptions>(options =>
        {
            if (!options.ConversationKeySources.Contains(AgentSessionConversationKeySource.Instance))
            {
                options.ConversationKeySources.Add(AgentSessionConversationKeySource.Instance);
            }
        });
        builder.Services.TryAddSingleton(sp =>
        {
            var options = new IpyBoxContextProviderOptions();
            configure?.Invoke(options);
            return new IpyBoxContextProvider(sp.GetRequiredService<SandboxSessionManager>(), options);
        });
        return builder;
    }
}
