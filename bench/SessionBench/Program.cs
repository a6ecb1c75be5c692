// Measures the AI tools through their Microsoft.Extensions.AI functions against the local Docker engine.
//   dotnet run -c Release --project bench/SessionBench -- [runs=5] [calls=100] [parallel=4]
// first-call: a new conversation's first execute_python call (container + kernel start + execution);
// warm-call:  execute_python "x = 1" in a conversation whose sandbox is running;
// parallel:   `parallel` new conversations make their first call at the same time, time until all answered.
using System.Diagnostics;
using System.Globalization;
using IpyBox.AI;
using Microsoft.Extensions.AI;

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
var parallel = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4;

await using var manager = new SandboxSessionManager(new IpyBoxOptions { MaxSessions = Math.Max(parallel, 2) });

async Task<double> CallAsync(string conversation, string code)
{
    var execute = manager.CreatePlugin(conversation).AsAIFunctions().Single(f => f.Name == "execute_python");
    var stopwatch = Stopwatch.StartNew();
    var result = await execute.InvokeAsync(new AIFunctionArguments { ["code"] = code });
    stopwatch.Stop();
    var text = string.Join('\n', ((IEnumerable<AIContent>)result!).OfType<TextContent>().Select(t => t.Text));
    if (text.StartsWith("Error", StringComparison.Ordinal))
    {
        throw new InvalidOperationException(text);
    }

    return stopwatch.Elapsed.TotalMilliseconds;
}

await CallAsync("warmup", "1"); // the image exists and the engine is awake before measuring
await manager.EndSessionAsync("warmup");

var first = new List<double>();
for (var i = 0; i < runs; i++)
{
    first.Add(await CallAsync($"first-{i}", "x = 1"));
    await manager.EndSessionAsync($"first-{i}");
}

await CallAsync("warm", "x = 0");
var warm = new List<double>();
for (var i = 0; i < calls; i++)
{
    warm.Add(await CallAsync("warm", "x = 1"));
}

await manager.EndSessionAsync("warm");
var wall = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, parallel).Select(i => CallAsync($"parallel-{i}", "x = 1")));
var parallelMs = wall.Elapsed.TotalMilliseconds;

Console.WriteLine($"first-call ({runs} runs): median {Median(first):0} ms, min {first.Min():0}, max {first.Max():0}");
Console.WriteLine($"warm-call ({calls} runs): median {Median(warm):0.0} ms, p90 {Percentile(warm, 0.9):0.0} ms");
Console.WriteLine($"parallel first calls ({parallel} conversations): all answered after {parallelMs:0} ms");
return 0;

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}
