using System.Diagnostics;
using System.Globalization;

namespace IpyBox.AI.Cli.Terminal;

/// <summary>Writes image build and pull output to stderr as it arrives, each line with the time since the start.</summary>
internal sealed class BuildProgressDisplay(TextWriter writer) : IProgress<ImageProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Report(ImageProgress value)
    {
        foreach (var line in value.Message.Split('\n'))
        {
            if (line.Trim().Length > 0)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {line.TrimEnd()}"));
            }
        }

        writer.Flush();
    }
}
