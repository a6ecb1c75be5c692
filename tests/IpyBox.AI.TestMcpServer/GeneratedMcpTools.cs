using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace IpyBox.AI.TestMcpServer;

/// <summary>The tools of <c>--generated &lt;domain&gt;:&lt;count&gt;</c>: a <see cref="GeneratedToolCatalog"/>, each tool answering with its name and arguments.</summary>
public static class GeneratedMcpTools
{
    /// <summary>Adds the generated tools of <paramref name="domain"/> to a server.</summary>
    public static IMcpServerBuilder Add(IMcpServerBuilder builder, string domain, int count)
    {
        var tools = GeneratedToolCatalog.Create(domain, count)
            .Select(tool => new Tool { Name = tool.Name, Description = tool.Description, InputSchema = JsonDocument.Parse(tool.Schema).RootElement.Clone() })
            .ToList();
        return builder
            .WithListToolsHandler((_, _) => ValueTask.FromResult(new ListToolsResult { Tools = tools }))
            .WithCallToolHandler((request, _) => ValueTask.FromResult(new CallToolResult
            {
                Content = [new TextContentBlock { Text = JsonSerializer.Serialize(new { tool = request.Params?.Name, arguments = request.Params?.Arguments }) }],
            }));
    }
}
