using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IpyBox.AI;
using IpyBox.AI.TestMcpServer;
using ModelContextProtocol.Client;

// What a model reads to find and call one tool among three generated MCP servers, three ways, from one run:
//   all definitions   every tool's name, description and input schema in the prompt (as a chat API sends them)
//   listing           list_sandbox_tools, then get_tool_source of the package that holds the tool
//   search            search_tools, then describe_tool of the first hit
// Tokens are estimated as bytes / 4. Then the search latency over 1,000 tools (host-side, through SandboxTools).
//   --tools-per-server N   tools of each server (default 120)
//   --searches N           searches timed at 1,000 tools (default 200)
var perServer = Option("--tools-per-server", 120);
var searches = Option("--searches", 200);
string[] domains = ["crm", "billing", "logistics"];
const string Query = "archive a shipment in logistics";
const string Key = "bench";

var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
var server = Path.Combine(AppContext.BaseDirectory, "IpyBox.AI.TestMcpServer.dll");
var options = new IpyBoxOptions { Container = new ExecutionContainerOptions { DisableNetwork = true } };
options.ToolBridge.ApprovalPolicy = HostToolApprovalPolicy.ApproveAll;
foreach (var domain in domains)
{
    options.McpServers.Add(McpServerDefinition.Stdio(domain, dotnet, server, "--generated", $"{domain}:{perServer}"));
}

await using var sessions = new SandboxSessionManager(options);
var tools = new SandboxTools(sessions);

// All definitions: what a client that lists every tool puts in the prompt.
long definitions = 0;
foreach (var domain in domains)
{
    await using var client = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions { Command = dotnet, Arguments = [server, "--generated", $"{domain}:{perServer}"] }));
    foreach (var tool in await client.ListToolsAsync())
    {
        definitions += Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(new { name = tool.Name, description = tool.Description, parameters = tool.JsonSchema }));
    }
}

var listing = (await tools.ListToolModulesAsync(Key)).Text;
var source = (await tools.GetToolSourceAsync(Key, "mcptools.logistics")).Text;
var search = (await tools.SearchToolsAsync(Key, Query, 5)).Text;
var best = search.Split('\n').First(line => line.StartsWith("mcptools.", StringComparison.Ordinal));
var name = best[..best.IndexOf('(', StringComparison.Ordinal)];
var describe = (await tools.DescribeToolAsync(Key, name)).Text;
var dot = name.LastIndexOf('.');
var call = await tools.ExecuteAsync(Key, $"from {name[..dot]} import {name[(dot + 1)..]} as tool\nprint(tool(shipment_id='S-1'))");
if (call.IsError || !call.Text.Contains("S-1", StringComparison.Ordinal))
{
    throw new InvalidOperationException($"The found tool {name} could not be called: {call.Text}");
}

Console.WriteLine($"Find and call one tool among {domains.Length} MCP servers x {perServer} tools (query: \"{Query}\", found {name})");
Console.WriteLine("| Approach | Bytes read | Tokens (bytes/4) |");
Console.WriteLine("| --- | ---: | ---: |");
Row("All tool definitions in the prompt", definitions);
Row("list_sandbox_tools + get_tool_source", Bytes(listing) + Bytes(source));
Row("search_tools + describe_tool", Bytes(search) + Bytes(describe));

// Search latency at 1,000 tools: a conversation whose sandbox has 1,000 generated host tools.
var large = new IpyBoxOptions { Container = new ExecutionContainerOptions { DisableNetwork = true } };
var catalog = GeneratedToolCatalog.Create("erp", 1000);
large.HostToolSets.Add(new HostToolSet("erp", catalog.Select(t => (Microsoft.Extensions.AI.AIFunction)new CatalogFunction(t))));
await using var largeSessions = new SandboxSessionManager(large);
var largeTools = new SandboxTools(largeSessions);
await largeTools.SearchToolsAsync(Key, "warm up", 10);
var times = new List<double>();
for (var i = 0; i < searches; i++)
{
    var watch = Stopwatch.StartNew();
    await largeTools.SearchToolsAsync(Key, i % 2 == 0 ? "export overdue invoices" : "count regional employee timesheets", 10);
    times.Add(watch.Elapsed.TotalMilliseconds);
}

times.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"search_tools over 1,000 tools, {searches} searches: median {times[times.Count / 2]:F2} ms, p95 {times[(int)(times.Count * 0.95)]:F2} ms"));

static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);

static void Row(string approach, long bytes) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {approach} | {bytes:N0} | {bytes / 4:N0} |"));

int Option(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

/// <summary>A catalogue tool as a host function: its schema as declared, answering with its name.</summary>
internal sealed class CatalogFunction(GeneratedTool tool) : Microsoft.Extensions.AI.AIFunction
{
    private readonly JsonElement _schema = JsonDocument.Parse(tool.Schema).RootElement.Clone();

    public override string Name => tool.Name;

    public override string Description => tool.Description;

    public override JsonElement JsonSchema => _schema;

    protected override ValueTask<object?> InvokeCoreAsync(Microsoft.Extensions.AI.AIFunctionArguments arguments, CancellationToken cancellationToken) =>
        ValueTask.FromResult<object?>(tool.Name);
}
