using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the IpyBox chat-client middleware to a <see cref="ChatClientBuilder"/>.</summary>
public static class IpyBoxChatClientBuilderExtensions
{
    /// <summary>
    /// Adds an <see cref="IpyBox.AI.ImageForwardingChatClient"/>, which moves images out of tool results into a following
    /// user message for providers that cannot take images in tool results. Call it after <c>UseFunctionInvocation()</c>
    /// so that it sits below the function-invoking client and sees every round.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> to take it from the services, if any.</param>
    /// <param name="configure">Adjusts the client.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseIpyBoxImageForwarding(this ChatClientBuilder builder, ILoggerFactory? loggerFactory = null, Action<IpyBox.AI.ImageForwardingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            loggerFactory ??= services.GetService<ILoggerFactory>();
            var client = new IpyBox.AI.ImageForwardingChatClient(inner, loggerFactory?.CreateLogger<IpyBox.AI.ImageForwardingChatClient>());
            configure?.Invoke(client);
            return client;
        });
    }
}
