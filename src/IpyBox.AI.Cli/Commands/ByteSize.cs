using System.Globalization;

namespace IpyBox.AI.Cli.Commands;

/// <summary>Parses sizes as Docker's command line writes them: a number of bytes with an optional <c>k</c>, <c>m</c> or <c>g</c> (powers of 1024).</summary>
internal static class ByteSize
{
    /// <exception cref="ArgumentException">The text is not a positive size.</exception>
    public static long Parse(string text, string optionName)
    {
        var value = text.Trim().ToLowerInvariant().TrimEnd('b');
        var shift = value.Length == 0 ? 0 : value[^1] switch
        {
            'k' => 10,
            'm' => 20,
            'g' => 30,
            _ => 0,
        };
        var digits = shift == 0 ? value : value[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0 || number > long.MaxValue >> shift)
        {
            throw new ArgumentException($"{optionName} '{text}' is not a size: give a positive number of bytes, or one with k, m or g, e.g. 512m.");
        }

        return number << shift;
    }
}
