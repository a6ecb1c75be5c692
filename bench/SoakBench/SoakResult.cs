using System.Globalization;
using System.Text;

namespace IpyBox.AI.SoakBench;

/// <summary>A finished run: its figures, whether it passed, and its report as the markdown of docs/benchmarks.md.</summary>
internal sealed record SoakResult(
    SoakSettings Settings,
    DateTimeOffset Begun,
    TimeSpan Ran,
    TimeSpan Settled,
    string LoadBefore,
    string LoadAfter,
    ResourceSnapshot Start,
    ResourceSnapshot End,
    OperationTally Tally,
    EngineFaults Faults,
    LibraryLog Log)
{
    /// <summary>Gets whether every count came back to its start value (or below) and no operation met an exception it does not expect.</summary>
    public bool Passed => End.IsBackTo(Start) && Tally.Unexpected == 0;

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"- Command: `dotnet run -c Release --project bench/SoakBench -- --duration {Duration(Settings.Duration)} --sandboxes {Settings.Sandboxes} --seed {Settings.Seed}`");
        text.AppendLine(culture, $"- Run: {Begun:yyyy-MM-dd HH:mm} UTC, {Ran.TotalMinutes:0.0} min from the first operation to the last sandbox disposed, settled in {Settled.TotalSeconds:0} s; load average {Load(LoadBefore)} before, {Load(LoadAfter)} after.");
        text.AppendLine(culture, $"- Engine faults: {Faults.Cuts} cuts ({Faults.CutConnections} connections broken off mid-way), {Faults.Outages} outages of 0.5-2 s.");
        text.AppendLine(culture, $"- Result: {(Passed ? "passed" : "FAILED")}: {(End.IsBackTo(Start) ? "every count back to its start" : "a count did not come back")}, {Tally.Unexpected} unexpected error(s).");
        text.AppendLine();
        text.AppendLine("| Measure | Start | End | Back to start |");
        text.AppendLine("| --- | --- | --- | --- |");
        foreach (var ((name, start), (_, end)) in Start.Counts.Zip(End.Counts))
        {
            text.AppendLine(culture, $"| {name} | {start} | {end} | {(end == start ? "yes" : end < start ? "yes (fewer)" : "**no**")} |");
        }

        text.AppendLine(culture, $"| host working set | {MiB(Start.WorkingSetBytes)} | {MiB(End.WorkingSetBytes)} | not a count |");
        text.AppendLine(culture, $"| managed heap after a full collection | {MiB(Start.GcHeapBytes)} | {MiB(End.GcHeapBytes)} | not a count |");
        text.AppendLine(culture, $"| threads | {Start.Threads} | {End.Threads} | not a count (the thread pool) |");
        text.AppendLine(culture, $"| engine totals: containers / volumes / networks | {Start.EngineContainers} / {Start.EngineVolumes} / {Start.EngineNetworks} | {End.EngineContainers} / {End.EngineVolumes} / {End.EngineNetworks} | for scale (other users of the engine) |");
        text.AppendLine();
        text.AppendLine("| Operation | Weight | Runs | Ok | Documented errors | Other errors |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var operation in SoakOperations.All.Prepend(SoakOperations.Start))
        {
            var outcomes = Tally.Of(operation);
            var ok = outcomes.Where(o => o.Outcome == OperationTally.Ok).Sum(o => o.Count);
            var documented = string.Join(", ", outcomes.Where(o => o.Expected && o.Outcome != OperationTally.Ok).Select(o => $"{o.Outcome} {o.Count}"));
            var other = string.Join(", ", outcomes.Where(o => !o.Expected).Select(o => $"**{o.Outcome} {o.Count}**"));
            text.AppendLine(culture, $"| {operation.Name} | {(operation.Weight == 0 ? "when needed" : operation.Weight.ToString(culture))} | {outcomes.Sum(o => o.Count)} | {ok} | {documented} | {other} |");
        }

        if (Log.Events.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| The library's warnings and errors | Count | First |");
            text.AppendLine("| --- | --- | --- |");
            foreach (var (name, count, first) in Log.Events)
            {
                text.AppendLine(culture, $"| {name} | {count} | {first.Replace('|', '/').ReplaceLineEndings(" ")} |");
            }
        }

        foreach (var (operation, outcome, message, _) in Tally.FirstMessages.Where(m => !m.Expected))
        {
            text.AppendLine();
            text.AppendLine(culture, $"{operation}, {outcome}, first seen:");
            text.AppendLine("```");
            text.AppendLine(message);
            text.AppendLine("```");
        }

        return text.ToString();
    }

    /// <summary>The first message of every documented error, for a closer look.</summary>
    public string DocumentedErrors() =>
        string.Join(Environment.NewLine, Tally.FirstMessages.Where(m => m.Expected).Select(m => $"{m.Operation}, {m.Outcome}, first seen: {m.Message}"));

    private static string Load(string loadavg) => string.Join(' ', loadavg.Split(' ').Take(3));

    private static string MiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");

    private static string Duration(TimeSpan duration) =>
        duration.TotalMinutes >= 1 && duration.Seconds == 0 ? $"{duration.TotalMinutes:0}m" : $"{duration.TotalSeconds:0}s";
}
