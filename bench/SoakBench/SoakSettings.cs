using System.Globalization;

namespace IpyBox.AI.SoakBench;

/// <summary>The command line: how long, how many sandboxes at once, which random sequence.</summary>
internal sealed record SoakSettings(TimeSpan Duration, int Sandboxes, int Seed)
{
    public const string Usage = "usage: SoakBench [--duration 60s|30m|1h] [--sandboxes N] [--seed N]";

    public static SoakSettings Parse(string[] args)
    {
        var duration = TimeSpan.FromSeconds(60);
        var sandboxes = 4;
        var seed = 1;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            switch (args[i])
            {
                case "--duration":
                    duration = ParseDuration(value);
                    break;
                case "--sandboxes":
                    sandboxes = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    seed = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}. {Usage}");
            }

            i++;
        }

        if (duration <= TimeSpan.Zero || sandboxes < 1)
        {
            throw new ArgumentException($"The duration and the number of sandboxes must be positive. {Usage}");
        }

        return new SoakSettings(duration, sandboxes, seed);
    }

    private static TimeSpan ParseDuration(string text)
    {
        var unit = text[^1];
        var number = double.Parse(char.IsDigit(unit) ? text : text[..^1], CultureInfo.InvariantCulture);
        return unit switch
        {
            'h' => TimeSpan.FromHours(number),
            'm' => TimeSpan.FromMinutes(number),
            's' => TimeSpan.FromSeconds(number),
            _ when char.IsDigit(unit) => TimeSpan.FromSeconds(number),
            _ => throw new ArgumentException($"A duration is a number with s, m or h: {text}. {Usage}"),
        };
    }
}
