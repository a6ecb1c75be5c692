// A soak run: many sandboxes at once, a seeded mix of normal and hostile cells, host tool calls and file transfers, and
// engine faults through a proxy in front of the engine, for a given time; then everything is disposed and every count
// (open handles, the run's containers and volumes, the library's networks) must be back at its start value.
//   dotnet run -c Release --project bench/SoakBench -- [--duration 60s] [--sandboxes 4] [--seed 1]
// Needs the engine on tcp://127.0.0.1:2375 as well (eng/prepare-docker.sh --tcp): the proxy stands in front of it.
// Prints the tables of docs/benchmarks.md; exits with 1 when a count did not come back or an undocumented error appeared.
using IpyBox.AI.SoakBench;

SoakSettings settings;
try
{
    settings = SoakSettings.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

Console.WriteLine($"Soak run: {settings.Duration}, {settings.Sandboxes} sandboxes, seed {settings.Seed}.");
using var run = new SoakRun(settings);
var result = await run.RunAsync();
Console.WriteLine();
Console.Write(result.ToMarkdown());
Console.Error.WriteLine(result.DocumentedErrors());
return result.Passed ? 0 : 1;
