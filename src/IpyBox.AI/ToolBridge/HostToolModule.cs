namespace IpyBox.AI;

/// <summary>A tool set registered on a sandbox as the model sees it: the module to import and its functions.</summary>
/// <param name="SetName">The set's name (<see cref="HostToolSet.Name"/>).</param>
/// <param name="Module">The module, e.g. <c>mcptools.weather</c>.</param>
/// <param name="Description">The set's description, or <see langword="null"/>.</param>
/// <param name="Functions">The generated functions.</param>
/// <param name="Source">The generated source of the module.</param>
public sealed record HostToolModule(string SetName, string Module, string? Description, IReadOnlyList<HostToolFunction> Functions, string Source);
