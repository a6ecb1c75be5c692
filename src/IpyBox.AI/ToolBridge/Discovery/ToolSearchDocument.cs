namespace IpyBox.AI;

/// <summary>One searchable entry of the tool index: a generated tool function (or a saved skill) and the texts it is ranked by.</summary>
/// <param name="QualifiedName">The name to import, e.g. <c>mcptools.weather.reading</c>; unique in an index.</param>
/// <param name="Signature">The Python signature, e.g. <c>reading(*, station: str, day: int)</c>.</param>
/// <param name="Description">The description as the tool gave it (untrusted text).</param>
/// <param name="ParameterText">The parameters' names and descriptions, joined (untrusted text).</param>
/// <param name="Definition">The Python definition as generated: the <c>def</c> line and the docstring literal.</param>
internal sealed record ToolSearchDocument(string QualifiedName, string Signature, string? Description, string ParameterText, string Definition);
