// The round trip of a host tool called from Python through the tool bridge, against the local Docker engine.
//   dotnet run -c Release --project bench/ToolBridgeBench -- [calls=200] [cells=20]
// single: `calls` sequential calls of a host function that returns its argument, each timed in the kernel with
//         time.perf_counter (median, p90), after 20 warm-up calls;
// cell:   a cell making 100 calls in a loop, timed from the host (ExecuteAsync) `cells` times (median), next to the
//         same cell without the calls, so the difference is what the 100 calls cost;
// threads: the same 100 calls spread over 4 threads in one cell (median of `cells`);
// input:   100 plain input() round trips in one cell (answered empty by the kernel channel): the stdin mechanism alone.
using System.Diagnostics;
using System.Globalization;
using IpyBox.AI;
using Microsoft.Extensions.AI;

var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var cells = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;

await using var sandbox = (await new DockerSandboxProvider().CreateAsync()).WithToolBridge();
using var registration = await sandbox.AddHostToolsAsync(
    new HostToolSet("bench", [AIFunctionFactory.Create((int x) => x, "echo")]),
    new ToolBridgeOptions { ApprovalPolicy = HostToolApprovalPolicy.ApproveAll });

var single = await sandbox.ExecuteAsync($$"""
    import time, statistics
    from mcptools.bench import echo
    for i in range(20):
        echo(x=i)
    samples = []
    for i in range({{calls}}):
        start = time.perf_counter()
        echo(x=i)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(f"{statistics.median(samples):.2f} {samples[int(len(samples) * 0.9)]:.2f}")
    """);
var parts = single.Text!.Split(' ');

async Task<double> MedianCellAsync(string code)
{
    var times = new List<double>();
    for (var i = 0; i < cells; i++)
    {
        var clock = Stopwatch.StartNew();
        await sandbox.ExecuteAsync(code);
        times.Add(clock.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    return times[times.Count / 2];
}

var withCalls = await MedianCellAsync("for i in range(100):\n    echo(x=i)");
var withoutCalls = await MedianCellAsync("for i in range(100):\n    int(i)");
var inputs = await MedianCellAsync("for i in range(100):\n    input('')");
var threaded = await MedianCellAsync("""
    import threading
    def work(k):
        for i in range(25):
            echo(x=k * 25 + i)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    """);

Console.WriteLine($"one bridged call, in the kernel ({calls} calls): median {parts[0]} ms, p90 {parts[1]} ms");
Console.WriteLine($"cell with 100 calls, from the host (median of {cells}): {withCalls:0.0} ms; the same cell without calls: {withoutCalls:0.0} ms");
Console.WriteLine($"cell with 100 plain input() round trips (median of {cells}): {inputs:0.0} ms");
Console.WriteLine($"cell with 100 calls over 4 threads (median of {cells}): {threaded:0.0} ms");
Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
