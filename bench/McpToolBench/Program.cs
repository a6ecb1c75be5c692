// Measures calls from Python in a sandbox to an MCP server's tool on the host, against the local Docker engine.
//   dotnet run -c Release --project bench/McpToolBench -- [calls=200] [batch=100] [rounds=5]
// mcp-call:    one call of a stdio MCP server's echo tool from a cell, timed in Python (median of `calls`);
// host-call:   the same for a host AIFunction, to show what the MCP hop adds;
// mcp-batch:   a cell that makes `batch` MCP calls in a loop, timed on the host (median of `rounds`).
// The MCP server is this program started with --serve-mcp.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using IpyBox.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

if (args is ["--serve-mcp"])
{
    var host = Host.CreateApplicationBuilder();
    host.Logging.ClearProviders();
    host.Services.AddMcpServer().WithStdioServerTransport().WithTools<EchoTools>();
    await host.Build().RunAsync();
    return;
}

var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;

var self = Environment.ProcessPath!;
var server = Path.GetFileNameWithoutExtension(self) == "dotnet"
    ? McpServerDefinition.Stdio("bench", self, typeof(EchoTools).Assembly.Location, "--serve-mcp")
    : McpServerDefinition.Stdio("bench", self, "--serve-mcp");
var options = new IpyBoxOptions { Container = new ExecutionContainerOptions { DisableNetwork = true } };
options.McpServers.Add(server);
options.HostToolSets.Add(new HostToolSet("host", [AIFunctionFactory.Create((string text) => text, "echo", "Returns the text.")]));
options.ToolBridge.ApprovalPolicy = HostToolApprovalPolicy.ApproveAll;
await using var sessions = new SandboxSessionManager(options);
var session = await sessions.GetOrCreateAsync("bench");

async Task<double> MedianInPythonAsync(string module)
{
    var result = await session.ExecuteAsync($$"""
        import time, statistics
        from {{module}} import echo
        echo(text="warm")
        samples = []
        for i in range({{calls}}):
            start = time.perf_counter()
            echo(text=str(i))
            samples.append((time.perf_counter() - start) * 1000)
        print(statistics.median(samples))
        """, TimeSpan.FromMinutes(10));
    return double.Parse(result.Text!, CultureInfo.InvariantCulture);
}

var mcp = await MedianInPythonAsync("mcptools.bench");
var hostCall = await MedianInPythonAsync("mcptools.host");

var batches = new List<double>();
for (var round = 0; round < rounds; round++)
{
    var stopwatch = Stopwatch.StartNew();
    await session.ExecuteAsync($"from mcptools.bench import echo\nfor i in range({batch}):\n    echo(text=str(i))", TimeSpan.FromMinutes(10));
    batches.Add(stopwatch.Elapsed.TotalMilliseconds);
}

batches.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mcp-call   median of {calls}: {mcp:0.00} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"host-call  median of {calls}: {hostCall:0.00} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mcp-batch  {batch} calls in one cell, median of {rounds}: {batches[batches.Count / 2]:0} ms"));

/// <summary>The tool of the benchmark's MCP server.</summary>
[McpServerToolType]
internal sealed class EchoTools
{
    [McpServerTool(Name = "echo")]
    [Description("Returns the text.")]
    public static string Echo(string text) => text;
}
