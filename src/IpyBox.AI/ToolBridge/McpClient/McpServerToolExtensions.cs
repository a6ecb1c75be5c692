namespace IpyBox.AI;

/// <summary>Registers MCP servers in a sandbox, so code in its kernel can call their tools.</summary>
public static class McpServerToolExtensions
{
    /// <summary>
    /// Starts or reaches an MCP server, lists its tools and registers them in the sandbox as the Python package named after
    /// the server (<c>mcptools.&lt;name&gt;</c>; see <see cref="HostToolExtensions.AddHostToolsAsync"/>). The connection lasts
    /// as long as the registration.
    /// </summary>
    /// <param name="sandbox">A sandbox with a tool bridge (see <see cref="HostToolExtensions.WithToolBridge"/>); its logger factory also logs the connection.</param>
    /// <param name="server">The server.</param>
    /// <param name="options">Approval and limits of the calls; <see langword="null"/> for the defaults (every call needs approval).</param>
    /// <param name="cancellationToken">Cancels connecting and writing the package.</param>
    /// <returns>The registration: the generated names and source, and the connection; dispose it to stop serving the tools and close the connection.</returns>
    /// <exception cref="ArgumentException">The server's definition is invalid.</exception>
    /// <exception cref="McpServerException">The server could not be started or reached.</exception>
    /// <exception cref="InvalidOperationException">The sandbox has no tool bridge, or a tool set with the same package name is registered on it.</exception>
    public static async Task<McpServerToolsRegistration> AddMcpServerToolsAsync(
        this ISandbox sandbox, McpServerDefinition server, ToolBridgeOptions? options = null, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(sandbox);
        Throw.IfNull(server);
        var bridge = HostToolExtensions.GetToolBridge(sandbox);
        var connection = await McpServerConnection.ConnectAsync(server, bridge.LoggerFactory, cancellationToken).ConfigureAwait(false);
        try
        {
            var tools = await sandbox.AddHostToolsAsync(connection.ToolSet, options, cancellationToken).ConfigureAwait(false);
            return new McpServerToolsRegistration(connection, tools);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
