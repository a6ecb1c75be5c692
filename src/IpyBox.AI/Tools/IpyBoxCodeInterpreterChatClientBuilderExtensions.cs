using IpyBox.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the IpyBox code interpreter to a <see cref="ChatClientBuilder"/>.</summary>
public static class IpyBoxCodeInterpreterChatClientBuilderExtensions
{
    /// <summary>
    /// Adds an <see cref="IpyBoxCodeInterpreterChatClient"/>, which runs <see cref="HostedCodeInterpreterTool"/> requests in the
    /// conversation's sandbox. Call it before <c>UseFunctionInvocation()</c> so that the function-invoking client sits below it
    /// and runs the calls: <c>builder.UseIpyBoxCodeInterpreter().UseFunctionInvocation()</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="sessions">The sandboxes; <see langword="null"/> to take the <see cref="SandboxSessionManager"/> from the services (<c>AddIpyBox</c>).</param>
    /// <param name="configure">Adjusts the settings.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="InvalidOperationException">No session manager was given and the services have none.</exception>
    public static ChatClientBuilder UseIpyBoxCodeInterpreter(this ChatClientBuilder builder, SandboxSessionManager? sessions = null, Action<IpyBoxCodeInterpreterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var manager = sessions ?? services.GetService<SandboxSessionManager>() ?? throw new InvalidOperationException(
                "UseIpyBoxCodeInterpreter needs a SandboxSessionManager: pass one, or register it with services.AddIpyBox() and build the client with those services.");
            var options = new IpyBoxCodeInterpreterOptions();
            configure?.Invoke(options);
            return new IpyBoxCodeInterpreterChatClient(inner, manager, options);
        });
    }
}
