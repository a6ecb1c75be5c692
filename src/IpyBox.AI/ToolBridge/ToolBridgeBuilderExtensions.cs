using Microsoft.Extensions.DependencyInjection;

namespace IpyBox.AI;

/// <summary>Registers host tools for every conversation's sandbox on <c>services.AddIpyBox()</c>.</summary>
public static class ToolBridgeBuilderExtensions
{
    /// <summary>Adds host tools that every conversation's sandbox gets as a Python package (<see cref="IpyBoxOptions.HostToolSets"/>).</summary>
    /// <param name="builder">The IpyBox builder.</param>
    /// <param name="toolSet">The tools; any <c>AIFunction</c> can be one.</param>
    /// <returns>The builder.</returns>
    public static IpyBoxBuilder AddHostTools(this IpyBoxBuilder builder, HostToolSet toolSet)
    {
        Throw.IfNull(builder);
        Throw.IfNull(toolSet);
        builder.Services.Configure<IpyBoxOptions>(options => options.HostToolSets.Add(toolSet));
        return builder;
    }

    /// <summary>Adds an MCP server whose tools every conversation's sandbox gets as a Python package (<see cref="IpyBoxOptions.McpServers"/>).</summary>
    /// <param name="builder">The IpyBox builder.</param>
    /// <param name="server">The server; it is started or reached when the first sandbox is created.</param>
    /// <returns>The builder.</returns>
    public static IpyBoxBuilder AddMcpServerTools(this IpyBoxBuilder builder, McpServerDefinition server)
    {
        Throw.IfNull(builder);
        Throw.IfNull(server);
        builder.Services.Configure<IpyBoxOptions>(options => options.McpServers.Add(server));
        return builder;
    }

    /// <summary>Sets how calls from sandbox code to the registered tools are approved (<see cref="IpyBoxOptions.ToolBridge"/>).</summary>
    /// <param name="builder">The IpyBox builder.</param>
    /// <param name="configure">Sets the approval policy, handler and limits.</param>
    /// <returns>The builder.</returns>
    public static IpyBoxBuilder ConfigureToolBridge(this IpyBoxBuilder builder, Action<ToolBridgeOptions> configure)
    {
        Throw.IfNull(builder);
        Throw.IfNull(configure);
        builder.Services.Configure<IpyBoxOptions>(options => configure(options.ToolBridge));
        return builder;
    }
}
