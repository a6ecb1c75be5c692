namespace IpyBox.AI;

/// <summary>The Python function generated for one tool of a <see cref="HostToolSet"/>.</summary>
/// <param name="ToolName">The tool's own name (<see cref="Microsoft.Extensions.AI.AITool.Name"/>).</param>
/// <param name="Module">The module that defines the function, e.g. <c>mcptools.weather</c>.</param>
/// <param name="FunctionName">The function's name: the tool's name made a Python identifier, unique in its module.</param>
/// <param name="Signature">The function's signature as generated, e.g. <c>forecast(*, city: str, days: int = 3)</c>.</param>
public sealed record HostToolFunction(string ToolName, string Module, string FunctionName, string Signature)
{
    /// <summary>Gets the name to import, e.g. <c>mcptools.weather.forecast</c>.</summary>
    public string QualifiedName => $"{Module}.{FunctionName}";
}
