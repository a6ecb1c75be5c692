namespace IpyBox.AI;

/// <summary>
/// A <see cref="HostToolSet"/> registered on a sandbox by <see cref="HostToolExtensions.AddHostToolsAsync"/>: the
/// generated Python names and source. It lasts across <see cref="ISandbox.ResetAsync"/>; disposing it stops serving the
/// set's calls (the generated files stay in <c>/app</c>, and calling them raises <c>ToolBridgeError</c>).
/// </summary>
public sealed class HostToolRegistration : IDisposable
{
    private readonly ToolBridgeHost _host;
    private readonly ToolBridgeSet _set;
    private int _disposed;

    internal HostToolRegistration(ToolBridgeHost host, ToolBridgeSet set)
    {
        _host = host;
        _set = set;
    }

    /// <summary>Gets the registered set.</summary>
    public HostToolSet Set => _set.Set;

    /// <summary>Gets the Python module to import, e.g. <c>mcptools.weather</c>.</summary>
    public string Module => _set.Package.Module;

    /// <summary>Gets the package's directory relative to <c>/app</c>, e.g. <c>mcptools/weather</c>.</summary>
    public string PackagePath => _set.Package.Directory;

    /// <summary>Gets the generated functions, one per tool, in the set's order.</summary>
    public IReadOnlyList<HostToolFunction> Functions => _set.Package.Functions;

    /// <summary>Gets the generated source of the package's <c>__init__.py</c>: the index of its tools (each tool's function is in its own module, <c>&lt;Module&gt;.&lt;function&gt;</c>).</summary>
    public string Source => _set.Package.Source;

    /// <summary>Stops serving the set's calls from the sandbox. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _host.Unregister(_set);
        }
    }
}
