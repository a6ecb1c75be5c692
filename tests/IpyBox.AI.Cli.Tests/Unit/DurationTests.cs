using IpyBox.AI.Cli.Commands;

namespace IpyBox.AI.Cli.Tests.Unit;

/// <summary>The one duration syntax of <c>--lease</c> and <c>--retention</c>.</summary>
public sealed class DurationTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 15 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("1.5h", 5400)]
    [InlineData(" 2H ", 7200)]
    [InlineData("01:30:00", 5400)]
    [InlineData("1:30", 5400)]
    [InlineData("2.00:00:00", 2 * 86400)]
    [InlineData("00:00:05", 5)]
    public void Parses_units_and_time_spans(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Duration.Parse(text, "--lease"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("h")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("0s")]
    [InlineData("-5m")]
    [InlineData("00:00:00")]
    [InlineData("-01:00:00")]
    [InlineData("1e3s")]
    [InlineData("NaNh")]
    [InlineData("99999999999999999999d")]
    [InlineData("3651d")]
    [InlineData("1h30m")]
    [InlineData("25:99")]
    [InlineData("1.2.3")]
    public void Rejects_what_is_not_a_positive_duration_and_names_the_option(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => Duration.Parse(text, "--retention"));
        Assert.StartsWith($"--retention '{text}' is not a duration", error.Message, StringComparison.Ordinal);
    }
}
