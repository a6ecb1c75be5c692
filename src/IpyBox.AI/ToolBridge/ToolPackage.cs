namespace IpyBox.AI;

/// <summary>The Python package generated for a <see cref="HostToolSet"/>.</summary>
/// <param name="PackageName">The package's name under <c>mcptools</c>.</param>
/// <param name="Source">The source of its <c>__init__.py</c>.</param>
/// <param name="Functions">One function per tool, in the set's order.</param>
/// <param name="Documents">The search documents of the functions, in the same order.</param>
internal sealed record ToolPackage(string PackageName, string Source, IReadOnlyList<HostToolFunction> Functions, IReadOnlyList<ToolSearchDocument> Documents)
{
    /// <summary>The directory under <c>/app</c> that holds the generated packages and the bridge runtime.</summary>
    public const string Root = "mcptools";

    /// <summary>Gets the module name, e.g. <c>mcptools.weather</c>.</summary>
    public string Module => $"{Root}.{PackageName}";

    /// <summary>Gets the path of the package directory relative to <c>/app</c>.</summary>
    public string Directory => $"{Root}/{PackageName}";
}
