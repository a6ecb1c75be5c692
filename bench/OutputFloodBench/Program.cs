// Measures this process's peak working set while a sandbox floods it with output, against the local Docker engine.
//   dotnet run -c Release --project bench/OutputFloodBench -- [megabytes=300] [seconds=5]
// one-message: a cell writes `megabytes` MB without a newline in one write, which reaches the client as one message;
// interrupted: a cell writes without newlines in a loop until its `seconds` timeout interrupts it.
// Each line: the scenario, the peak working set above the baseline taken just before it, how the call ended, its text length.
using System.Diagnostics;
using System.Globalization;
using IpyBox.AI;

var megabytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;

await using var container = await ExecutionContainer.StartAsync();
await using var client = await container.ConnectClientAsync();
await client.ExecuteAsync("1");

await MeasureAsync("one-message", $"import sys\n_ = sys.stdout.write('x' * {megabytes} * 1_000_000)", TimeSpan.FromMinutes(10));
await MeasureAsync("interrupted", "import sys\nchunk = 'y' * 100_000\nwhile True:\n    sys.stdout.write(chunk)", TimeSpan.FromSeconds(seconds));

async Task MeasureAsync(string scenario, string code, TimeSpan timeout)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    using var process = Process.GetCurrentProcess();
    var baseline = process.WorkingSet64;
    var peak = baseline;
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            process.Refresh();
            peak = Math.Max(peak, process.WorkingSet64);
            await Task.Delay(10, CancellationToken.None);
        }
    });

    var stopwatch = Stopwatch.StartNew();
    string outcome;
    try
    {
        var result = await client.ExecuteAsync(code, timeout);
        outcome = $"ok, text {result.Text?.Length ?? 0} chars starting {result.Text?[..Math.Min(40, result.Text.Length)]}";
    }
    catch (Exception ex)
    {
        outcome = $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
    }

    stopwatch.Stop();
    await sampling.CancelAsync();
    await sampler;
    string alive;
    try
    {
        alive = (await client.ExecuteAsync("print('alive')", TimeSpan.FromMinutes(5))).Text ?? string.Empty;
    }
    catch (Exception ex)
    {
        alive = $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
    }

    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{scenario}: peak working set +{(peak - baseline) / 1048576.0:0} MiB (baseline {baseline / 1048576.0:0} MiB) in {stopwatch.Elapsed.TotalSeconds:0.0} s; {outcome}; next call: {alive}"));
}
