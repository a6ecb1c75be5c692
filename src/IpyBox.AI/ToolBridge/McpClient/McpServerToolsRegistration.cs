namespace IpyBox.AI;

/// <summary>
/// An MCP server registered on a sandbox: the connection to the server and the generated Python package of its tools.
/// Disposing it stops serving the package's calls and closes the connection (a stdio server's process stops).
/// </summary>
public sealed class McpServerToolsRegistration : IAsyncDisposable
{
    private int _disposed;

    internal McpServerToolsRegistration(McpServerConnection connection, HostToolRegistration tools)
    {
        Connection = connection;
        Tools = tools;
    }

    /// <summary>Gets the connection to the server.</summary>
    public McpServerConnection Connection { get; }

    /// <summary>Gets the registration of the server's tools in the sandbox: the module, its functions and its source.</summary>
    public HostToolRegistration Tools { get; }

    /// <summary>Gets the Python module to import, e.g. <c>mcptools.weather</c>.</summary>
    public string Module => Tools.Module;

    /// <summary>Gets the generated functions, one per tool of the server.</summary>
    public IReadOnlyList<HostToolFunction> Functions => Tools.Functions;

    /// <summary>Stops serving the server's tools in the sandbox and closes the connection. Idempotent.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Tools.Dispose();
        await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
