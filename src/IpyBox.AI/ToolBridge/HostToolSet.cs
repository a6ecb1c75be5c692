using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>
/// A named group of host tools that code in a sandbox can call: the tools of one MCP server, or any
/// <see cref="AIFunction"/>s (Semantic Kernel functions and Agent Framework tools are <see cref="AIFunction"/>s too).
/// Registered with <see cref="HostToolExtensions.AddHostToolsAsync"/>, a set becomes one Python package in the sandbox,
/// <c>mcptools.&lt;name&gt;</c>, with one function per tool.
/// </summary>
public sealed class HostToolSet
{
    /// <summary>Initializes a new instance of the <see cref="HostToolSet"/> class.</summary>
    /// <param name="name">The set's name, e.g. the MCP server's name; sanitised into the Python package name.</param>
    /// <param name="tools">The tools.</param>
    /// <param name="description">A description, emitted as the package's docstring; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or <paramref name="tools"/> contains <see langword="null"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="tools"/> is <see langword="null"/>.</exception>
    public HostToolSet(string name, IEnumerable<AIFunction> tools, string? description = null)
    {
        Name = Throw.IfNullOrWhiteSpace(name);
        Tools = [.. Throw.IfNull(tools)];
        if (Tools.Any(tool => tool is null))
        {
            throw new ArgumentException("A tool set cannot contain null tools.", nameof(tools));
        }

        Description = description;
    }

    /// <summary>Gets the set's name, e.g. the MCP server's name.</summary>
    public string Name { get; }

    /// <summary>Gets the tools, in the order their Python functions are generated.</summary>
    public IReadOnlyList<AIFunction> Tools { get; }

    /// <summary>Gets the set's description, or <see langword="null"/>.</summary>
    public string? Description { get; }
}
