// <usings>
using ModelContextProtocol.Client;
// </usings>

namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/mcp-server.md.</summary>
internal static class McpServerPage
{
    public static async Task RunAsync()
    {
        // <client>
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "ipybox",
            Command = "ipybox",
            Arguments = ["mcp", "--allowed-dir", "/home/me/projects/analysis"],
        });
        await using var client = await McpClient.CreateAsync(transport);
        var result = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = "print(6 * 7)" });
        // </client>
    }
}
