// Every figure of the speed targets next to its floor, measured in one run against the local Docker engine.
//   dotnet run -c Release --project bench/IpyBox.AI.Bench -- [--quick] [--baseline-image <tag>] [--runtime <name>] [--output <path>] [--only <section>]
// Prints one table and writes it, with the command and the machine, to docs/benchmarks.md (or --output).
// --baseline-image adds the same measurements on another image (e.g. the one an older commit built) for comparison.
// --runtime adds cold start, round trip and memory under another OCI runtime (e.g. runsc, gVisor) next to the engine's default.
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using IpyBox.AI;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var quick = args.Contains("--quick");
var baseline = Argument("--baseline-image");
var runtime = Argument("--runtime");
var output = Argument("--output") ?? Path.Combine(RepositoryRoot(), "docs", "benchmarks.md");
var n = new Counts(quick);
var machine = Machine.Describe();
var loadBefore = Machine.LoadAverage();
var started = DateTimeOffset.UtcNow;
var figures = new List<Figure>();

// The image exists and the engine is warm before anything is timed.
await using (var warmup = await ExecutionContainer.StartAsync())
{
}

// --only <name> runs one section (roundtrip, coldstart, warmstart, files, memory, durable, runtime), e.g. while working on it.
var only = Argument("--only");
if (only == "runtime")
{
    runtime ??= "runsc";
}

if (only is null or "roundtrip")
{
    figures.AddRange(await Sections.RoundTripAndStreamingAsync(n, baseline));
}

if (only is null or "coldstart")
{
    figures.AddRange(await Sections.ColdStartAsync(n, baseline));
}

if (only is null or "warmstart")
{
    figures.AddRange(await Sections.WarmStartAsync(n));
}

if (only is null or "files")
{
    figures.AddRange(await Sections.FilesAsync(n));
}

if (only is null or "memory")
{
    figures.AddRange(await Sections.IdleMemoryAsync(n, baseline));
}

if (only is null or "durable")
{
    figures.AddRange(await DurableSandboxes.MeasureAsync(n));
}

if (runtime is not null && only is null or "runtime")
{
    figures.AddRange(await RuntimeComparison.MeasureAsync(n, runtime));
}

var command = "dotnet run -c Release --project bench/IpyBox.AI.Bench --" + string.Concat(args.Select(a => " " + a));
var report = new Report(command, machine, RuntimeImage.DefaultTag, baseline, loadBefore, Machine.LoadAverage(), started, DateTimeOffset.UtcNow - started, n, figures);
Console.WriteLine(report.ConsoleTable());
await File.WriteAllTextAsync(output, report.Markdown());
Console.WriteLine($"Wrote {output}");
return 0;

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "IpyBox.AI.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run the benchmark from inside the repository, or pass --output <path>.");
}

/// <summary>How many times each figure is measured.</summary>
internal sealed record Counts(bool Quick)
{
    public int RoundTrips => Quick ? 60 : 300;

    public int Prints => Quick ? 8 : 20;

    public int ColdStarts => Quick ? 3 : 20;

    public int PoolCalls => Quick ? 5 : 20;

    public int Burst => Quick ? 6 : 20;

    public int FileMiB => Quick ? 50 : 200;

    public int FileRounds => Quick ? 2 : 3;

    public int IdleSandboxes => Quick ? 2 : 5;
}
