namespace IpyBox.AI;

/// <summary>The Python package generated for a <see cref="HostToolSet"/>: an index and one module per tool.</summary>
/// <param name="PackageName">The package's name under <c>mcptools</c>.</param>
/// <param name="Source">The source of its <c>__init__.py</c>: the index of the tools and the re-exports of their functions.</param>
/// <param name="Functions">One function per tool, in the set's order.</param>
/// <param name="FunctionSources">The source of each function's module (<c>&lt;function&gt;.py</c>), in the same order.</param>
/// <param name="Documents">The search documents of the functions, in the same order.</param>
internal sealed record ToolPackage(
    string PackageName,
    string Source,
    IReadOnlyList<HostToolFunction> Functions,
    IReadOnlyList<string> FunctionSources,
    IReadOnlyList<ToolSearchDocument> Documents)
{
    /// <summary>The directory under <c>/app</c> that holds the generated packages and the bridge runtime.</summary>
    public const string Root = "mcptools";

    /// <summary>Gets the module name, e.g. <c>mcptools.weather</c>.</summary>
    public string Module => $"{Root}.{PackageName}";

    /// <summary>Gets the path of the package directory relative to <c>/app</c>.</summary>
    public string Directory => $"{Root}/{PackageName}";

    /// <summary>Gets the package's files: their names in the package directory and their sources, the index first.</summary>
    public IEnumerable<(string FileName, string Source)> Files =>
        Functions.Select((function, i) => ($"{function.FunctionName}.py", FunctionSources[i])).Prepend(("__init__.py", Source));

    /// <summary>Finds the source of a tool's module by its function name.</summary>
    /// <param name="functionName">The function's name, e.g. <c>forecast</c>.</param>
    /// <returns>The source, or <see langword="null"/> when the package has no such function.</returns>
    public string? FunctionSource(string functionName)
    {
        for (var i = 0; i < Functions.Count; i++)
        {
            if (Functions[i].FunctionName == functionName)
            {
                return FunctionSources[i];
            }
        }

        return null;
    }
}
