// Measures the time from launching `ipybox mcp` to the first execute_ipython_cell result, as an MCP client sees it:
// process start, MCP handshake, and the first call (which waits for the sandbox the server starts at launch).
//   dotnet run -c Release --project bench/McpStartupBench -- <command> [runs=5] [args...]
//   e.g. dotnet run -c Release --project bench/McpStartupBench -- ~/.dotnet/tools/ipybox 5
//   or   dotnet run -c Release --project bench/McpStartupBench -- dotnet 5 src/IpyBox.AI.Cli/bin/Release/net10.0/ipybox.dll
using System.Diagnostics;
using System.Globalization;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: McpStartupBench <command> [runs] [arguments before 'mcp'...]");
    return 2;
}

var command = args[0];
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var prefix = args.Skip(2).ToArray();

var handshakes = new List<double>();
var firstResults = new List<double>();
for (var run = 0; run < runs; run++)
{
    var clock = Stopwatch.StartNew();
    var transport = new StdioClientTransport(new StdioClientTransportOptions
    {
        Name = "ipybox",
        Command = command,
        Arguments = [.. prefix, "mcp"],
        ShutdownTimeout = TimeSpan.FromSeconds(30),
    });
    await using (var client = await McpClient.CreateAsync(transport))
    {
        var handshake = clock.Elapsed.TotalMilliseconds;
        var result = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = "print('ready')" });
        var first = clock.Elapsed.TotalMilliseconds;
        var text = string.Join('\n', result.Content.OfType<TextContentBlock>().Select(t => t.Text)).Trim();
        if (result.IsError == true || text != "ready")
        {
            Console.Error.WriteLine($"unexpected result: {text}");
            return 1;
        }

        handshakes.Add(handshake);
        firstResults.Add(first);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run + 1}: handshake {handshake:0} ms, first execute_ipython_cell result {first:0} ms"));
    }
}

firstResults.Sort();
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"launch → first result over {runs} runs: median {firstResults[firstResults.Count / 2]:0} ms, min {firstResults[0]:0} ms, max {firstResults[^1]:0} ms; handshake median {handshakes.Order().ElementAt(handshakes.Count / 2):0} ms"));
return 0;
