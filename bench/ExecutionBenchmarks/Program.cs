// Measures sandbox start-up and execution round trips against the local Docker engine.
//   dotnet run -c Release --project bench/ExecutionBenchmarks -- coldstart [runs=10]
//   dotnet run -c Release --project bench/ExecutionBenchmarks -- roundtrip [runs=200]
using System.Diagnostics;
using System.Globalization;
using IpyBox.AI;

var mode = args.ElementAtOrDefault(0) ?? "roundtrip";
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : mode == "coldstart" ? 10 : 200;

switch (mode)
{
    case "coldstart":
        await ColdStartAsync(runs);
        break;
    case "roundtrip":
        await RoundTripAsync(runs);
        break;
    default:
        Console.Error.WriteLine("usage: ExecutionBenchmarks coldstart|roundtrip [runs]");
        return 2;
}

return 0;

// RunAsync → ConnectAsync → first result, with the image already present.
static async Task ColdStartAsync(int runs)
{
    await using (var warmup = await ExecutionContainer.StartAsync())
    {
        // Makes sure the image exists, so image builds are not measured.
    }

    var samples = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var container = await ExecutionContainer.StartAsync();
        await using var client = new ExecutionClient(container);
        await client.ConnectAsync();
        var result = await client.ExecuteAsync("print('ready')");
        stopwatch.Stop();
        Check(result.Text == "ready", "unexpected output");
        samples.Add(stopwatch.Elapsed.TotalMilliseconds);
    }

    Report("cold start (RunAsync → first result)", samples);
}

// ExecuteAsync("x = 1") on a warm kernel.
static async Task RoundTripAsync(int runs)
{
    await using var container = await ExecutionContainer.StartAsync();
    await using var client = new ExecutionClient(container);
    await client.ConnectAsync();
    for (var i = 0; i < 20; i++)
    {
        await client.ExecuteAsync("x = 1");
    }

    var samples = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var stopwatch = Stopwatch.StartNew();
        await client.ExecuteAsync("x = 1");
        samples.Add(stopwatch.Elapsed.TotalMilliseconds);
    }

    Report("round trip of x = 1", samples);
}

static void Report(string name, List<double> samples)
{
    samples.Sort();
    double Percentile(double p) => samples[(int)Math.Min(samples.Count - 1, Math.Round(p * (samples.Count - 1)))];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: n={samples.Count} median={Percentile(0.5):0.0} ms p90={Percentile(0.9):0.0} ms min={samples[0]:0.0} ms max={samples[^1]:0.0} ms"));
}

static void Check(bool condition, string message)
{
    if (!condition)
    {
        throw new InvalidOperationException(message);
    }
}
