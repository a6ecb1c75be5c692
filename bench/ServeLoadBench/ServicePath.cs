using System.Text.RegularExpressions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

/// <summary>Through <c>ipybox serve</c>: one MCP C# SDK client over streamable HTTP per client, as a remote agent would.</summary>
internal sealed partial class ServicePath(McpClient client, string runId) : IClientPath
{
    public static async Task<IClientPath> ConnectAsync(Uri endpoint, string runId) =>
        new ServicePath(await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint })), runId);

    public async Task<string> CreateAsync()
    {
        var text = await CallAsync("create_sandbox", new() { ["metadata"] = new Dictionary<string, string> { [BenchRun.MetadataKey] = runId } });
        return SandboxId().Match(text) is { Success: true } match ? match.Value : throw new InvalidOperationException($"No id in: {text}");
    }

    public Task ExecuteAsync(string id, string code) => CallAsync("execute_ipython_cell", new() { ["sandbox_id"] = id, ["code"] = code });

    public Task DeleteAsync(string id) => CallAsync("delete_sandbox", new() { ["sandbox_id"] = id });

    public ValueTask DisposeAsync() => client.DisposeAsync();

    private async Task<string> CallAsync(string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments);
        var text = string.Join('\n', result.Content.OfType<TextContentBlock>().Select(t => t.Text));
        return result.IsError == true ? throw new InvalidOperationException(text) : text;
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex SandboxId();
}
