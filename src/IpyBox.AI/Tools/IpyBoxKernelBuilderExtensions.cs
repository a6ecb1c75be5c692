using IpyBox.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.SemanticKernel;

/// <summary>Adds the IpyBox tools to a Semantic Kernel.</summary>
public static class IpyBoxKernelBuilderExtensions
{
    /// <summary>
    /// Registers IpyBox (as <c>services.AddIpyBox</c>) and adds its tools as a plugin. Each call finds its conversation's
    /// sandbox through <see cref="IpyBoxConversation"/>, <c>Kernel.Data[IpyBoxConversation.PropertyName]</c>, or
    /// <see cref="IpyBoxOptions.DefaultConversationKey"/> (unset by default: a call without a key is refused with a message that says how to give one).
    /// </summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <param name="pluginName">The plugin name.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    public static IKernelBuilder AddIpyBoxPlugin(this IKernelBuilder builder, Action<IpyBoxOptions>? configure = null, string pluginName = "python")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginName);
        builder.Services.AddIpyBox(configure);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IpyBoxPlugin>().AsKernelPlugin(pluginName));
        return builder;
    }
}
