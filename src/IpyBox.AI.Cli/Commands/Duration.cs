using System.Globalization;

namespace IpyBox.AI.Cli.Commands;

/// <summary>
/// Parses durations as the commands take them: a number with a unit, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (<c>90s</c>,
/// <c>15m</c>, <c>1.5h</c>, <c>7d</c>), or a time span <c>[d.]hh:mm[:ss]</c> (<c>01:30:00</c>).
/// </summary>
internal static class Duration
{
    /// <summary>The longest duration accepted: a lease or retention beyond it is a typo, not a plan.</summary>
    private static readonly TimeSpan s_maximum = TimeSpan.FromDays(3650);

    /// <exception cref="ArgumentException">The text is not a positive duration of at most ten years.</exception>
    public static TimeSpan Parse(string text, string optionName)
    {
        var value = text.Trim();
        var duration = value.Length == 0 ? (TimeSpan?)null
            : value.Contains(':', StringComparison.Ordinal) ? ParseClock(value)
            : ParseWithUnit(value);
        if (duration is not { } parsed || parsed <= TimeSpan.Zero || parsed > s_maximum)
        {
            throw new ArgumentException(
                $"{optionName} '{text}' is not a duration: give a positive number with s, m, h or d (e.g. 90s, 15m, 2h, 7d), or hh:mm:ss, of at most {s_maximum.TotalDays:0} days.");
        }

        return parsed;
    }

    private static TimeSpan? ParseClock(string value) =>
        TimeSpan.TryParseExact(value, ["c", @"h\:mm", @"hh\:mm"], CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    private static TimeSpan? ParseWithUnit(string value)
    {
        var seconds = char.ToLowerInvariant(value[^1]) switch
        {
            's' => 1.0,
            'm' => 60.0,
            'h' => 3600.0,
            'd' => 86400.0,
            _ => 0.0,
        };
        if (seconds == 0
            || !double.TryParse(value[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            || !double.IsFinite(number)
            || number * seconds > s_maximum.TotalSeconds)
        {
            return null;
        }

        return TimeSpan.FromSeconds(Math.Round(number * seconds, 3));
    }
}
