using System.Diagnostics;
using System.Globalization;

namespace IpyBox.AI.Cli.Terminal;

/// <summary>
/// Writes image build and pull output as it arrives, each line with the time since the start. Colour codes from the
/// build are kept only when the output is a terminal.
/// </summary>
internal sealed class BuildProgressDisplay(TextWriter writer, bool keepColours) : IProgress<ImageProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Creates a display on stderr.</summary>
    public static BuildProgressDisplay ForStandardError() => new(Console.Error, keepColours: !Console.IsErrorRedirected);

    public void Report(ImageProgress value)
    {
        var message = keepColours ? value.Message : value.PlainMessage;
        foreach (var line in message.Split('\n'))
        {
            if (line.Trim().Length > 0)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {line.TrimEnd()}"));
            }
        }

        writer.Flush();
    }
}
