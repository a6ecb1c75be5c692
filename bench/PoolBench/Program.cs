// The first call of a new conversation with and without the warm pool, measured in one run against the local Docker engine.
//   dotnet run -c Release --project bench/PoolBench -- [runs=20] [burst=20]
// Each row times, for conversations that have no sandbox yet, SandboxSessionManager.GetOrCreateAsync (sandbox ready) and
// then ExecuteAsync("x = 1") (first result), both from the start of the call:
//   cold:  no pool; the conversation waits for its container and kernel to start;
//   pool:  a PoolingSandboxProvider that is full before each call (the refill after the hand-out runs during the call);
//   burst: `burst` new conversations at once, cold and then with a pool holding `burst` ready sandboxes.
// The floor row is the same burst making a second call (`x = 1`) in the sandboxes it just got: what 20 kernels answering at
// once cost on this machine, with nothing to create.
using System.Diagnostics;
using System.Globalization;
using IpyBox.AI;

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var burst = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var loadBefore = LoadAverage();
var options = new IpyBoxOptions { MaxSessions = Math.Max(burst, 2), SessionIdleTimeout = Timeout.InfiniteTimeSpan };
var docker = new DockerSandboxProvider(options.Container, options.Client);

async Task<Call> CallAsync(SandboxSessionManager manager, string conversation, Stopwatch? clock = null)
{
    clock ??= Stopwatch.StartNew();
    var start = clock.Elapsed;
    var session = await manager.GetOrCreateAsync(conversation);
    var ready = clock.Elapsed;
    await session.ExecuteAsync("x = 1");
    return new Call((ready - start).TotalMilliseconds, (clock.Elapsed - start).TotalMilliseconds);
}

async Task<Result> SequentialAsync(SandboxSessionManager manager, string name, Func<Task> beforeEach)
{
    var calls = new List<Call>();
    for (var i = 0; i < runs; i++)
    {
        await beforeEach();
        calls.Add(await CallAsync(manager, $"{name}-{i}"));
        await manager.EndSessionAsync($"{name}-{i}");
    }

    return new Result(calls, null);
}

async Task<(Result First, Result Second)> BurstAsync(SandboxSessionManager manager, string name)
{
    var clock = Stopwatch.StartNew();
    var first = await Task.WhenAll(Enumerable.Range(0, burst).Select(i => CallAsync(manager, $"{name}-{i}", clock)));
    var firstAll = clock.Elapsed.TotalMilliseconds;
    clock.Restart();
    var second = await Task.WhenAll(Enumerable.Range(0, burst).Select(i => CallAsync(manager, $"{name}-{i}", clock)));
    var secondAll = clock.Elapsed.TotalMilliseconds;
    await Task.WhenAll(Enumerable.Range(0, burst).Select(i => manager.EndSessionAsync($"{name}-{i}")));
    return (new Result([.. first], firstAll), new Result([.. second], secondAll));
}

Result cold, warm;
(Result First, Result Second) coldBurst, warmBurst;
WarmPoolStatistics sequentialStatistics, burstStatistics;
await using (var manager = new SandboxSessionManager(docker, options))
{
    await CallAsync(manager, "warmup"); // the image exists and the engine is awake before measuring
    await manager.EndSessionAsync("warmup");
    cold = await SequentialAsync(manager, "cold", () => Task.CompletedTask);
    coldBurst = await BurstAsync(manager, "cold-burst");
}

await using (var pool = new PoolingSandboxProvider(docker, new WarmPoolOptions { MinWarm = 1, MaxTotal = 4 }))
await using (var manager = new SandboxSessionManager(pool, options))
{
    warm = await SequentialAsync(manager, "pool", () => pool.WarmUpAsync());
    sequentialStatistics = pool.GetStatistics();
}

await using (var pool = new PoolingSandboxProvider(docker, new WarmPoolOptions { MinWarm = burst, MaxTotal = 2 * burst, MaxConcurrentRefills = 4 }))
await using (var manager = new SandboxSessionManager(pool, options))
{
    await pool.WarmUpAsync();
    warmBurst = await BurstAsync(manager, "pool-burst");
    burstStatistics = pool.GetStatistics();
}

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {loadBefore} before, {LoadAverage()} after; {runs} runs one at a time, bursts of {burst}.");
Console.WriteLine();
Console.WriteLine("| New conversation | n | Sandbox ready p50 | p95 | First result p50 | p95 | All answered after |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
Row("cold (no pool), one at a time", cold);
Row("from the pool, one at a time", warm);
Row($"cold (no pool), {burst} at once", coldBurst.First);
Row($"from a pool of {burst}, {burst} at once", warmBurst.First);
Row($"floor: the same {burst} again, second call, at once", warmBurst.Second);
Console.WriteLine();
Console.WriteLine($"Pool, one at a time: {sequentialStatistics}");
Console.WriteLine($"Pool, {burst} at once: {burstStatistics}");
return sequentialStatistics.ColdStarts == 0 && burstStatistics.ColdStarts == 0 ? 0 : 1;

static void Row(string what, Result result)
{
    var ready = result.Calls.Select(c => c.ReadyMs).ToList();
    var first = result.Calls.Select(c => c.ResultMs).ToList();
    var all = result.AllMs is { } a ? $"{a:0} ms" : string.Empty;
    Console.WriteLine($"| {what} | {result.Calls.Count} | {Percentile(ready, 0.50):0} ms | {Percentile(ready, 0.95):0} ms | {Percentile(first, 0.50):0} ms | {Percentile(first, 0.95):0} ms | {all} |");
}

// Nearest rank.
static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

internal sealed record Call(double ReadyMs, double ResultMs);

internal sealed record Result(IReadOnlyList<Call> Calls, double? AllMs);
