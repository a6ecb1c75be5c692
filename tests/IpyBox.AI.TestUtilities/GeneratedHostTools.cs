using System.Text.Json;
using IpyBox.AI.TestMcpServer;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.TestUtilities;

/// <summary>Host tool sets of many generated tools (<see cref="GeneratedToolCatalog"/>), each answering with its name and arguments.</summary>
public static class GeneratedHostTools
{
    /// <summary>Creates a set named <paramref name="domain"/> of <paramref name="count"/> generated tools.</summary>
    public static HostToolSet Create(string domain, int count) =>
        new(domain, GeneratedToolCatalog.Create(domain, count).Select(tool => (AIFunction)new SchemaFunction(
            tool.Name,
            tool.Description,
            tool.Schema,
            arguments => JsonSerializer.Serialize(new { tool = tool.Name, arguments = arguments.ToDictionary(a => a.Key, a => a.Value?.ToString()) }))), $"The {domain} system.");
}
