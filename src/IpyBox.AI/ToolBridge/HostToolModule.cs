namespace IpyBox.AI;

/// <summary>A tool set registered on a sandbox as the model sees it: the module to import and its functions.</summary>
/// <param name="SetName">The set's name (<see cref="HostToolSet.Name"/>).</param>
/// <param name="Module">The module, e.g. <c>mcptools.weather</c>.</param>
/// <param name="Description">The set's description, or <see langword="null"/>.</param>
/// <param name="Functions">The generated functions.</param>
/// <param name="Source">The generated source of the package's <c>__init__.py</c>: its index, listing every tool with a one-line summary (each tool's function is in its own module, <c>&lt;Module&gt;.&lt;function&gt;</c>).</param>
public sealed record HostToolModule(string SetName, string Module, string? Description, IReadOnlyList<HostToolFunction> Functions, string Source);
