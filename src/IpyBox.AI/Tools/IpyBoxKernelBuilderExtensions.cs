using IpyBox.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.SemanticKernel;

/// <summary>Adds the IpyBox tools to a Semantic Kernel.</summary>
public static class IpyBoxKernelBuilderExtensions
{
    /// <summary>
    /// Registers IpyBox (as <c>services.AddIpyBox</c>), adds its tools as a plugin and an <see cref="IpyBoxArgumentFilter"/>
    /// that answers badly formed calls with what to send. Each call finds its conversation's
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
        builder.Services.AddSingleton<IFunctionInvocationFilter>(sp => new IpyBoxArgumentFilter(sp.GetService<Microsoft.Extensions.Logging.ILogger<IpyBoxArgumentFilter>>()));
        return builder;
    }

    /// <summary>
    /// Adds an <see cref="IpyBoxApprovalFilter"/> to the kernel: with <see cref="IpyBoxOptions.RequireApproval"/> set, each code
    /// execution and package installation runs only when <paramref name="approve"/> returns <see langword="true"/>.
    /// </summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="approve">Decides a call from its function and arguments.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    public static IKernelBuilder AddIpyBoxApproval(this IKernelBuilder builder, Func<FunctionInvocationContext, ValueTask<bool>> approve)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(approve);
        builder.Services.AddSingleton<IFunctionInvocationFilter>(sp => new IpyBoxApprovalFilter(approve, sp.GetService<Microsoft.Extensions.Logging.ILogger<IpyBoxApprovalFilter>>()));
        return builder;
    }
}
