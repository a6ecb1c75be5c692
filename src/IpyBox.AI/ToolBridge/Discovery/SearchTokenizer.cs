using System.Globalization;
using System.Text;

namespace IpyBox.AI;

/// <summary>
/// Splits text into lower-case search terms: runs of letters and digits, with <c>snake_case</c>, <c>kebab-case</c> and
/// <c>camelCase</c> names split into their words, so <c>getWeatherReading</c> matches a query for "weather".
/// </summary>
internal static class SearchTokenizer
{
    /// <summary>The longest term kept; longer runs are cut (a hostile text cannot make one term of megabytes).</summary>
    private const int MaxTermLength = 64;

    public static List<string> Terms(string? text)
    {
        var terms = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return terms;
        }

        var current = new StringBuilder();
        var previous = '\0';
        foreach (var c in text)
        {
            if (!char.IsLetterOrDigit(c))
            {
                Flush(current, terms);
            }
            else
            {
                // A word boundary inside a camelCase name: lower (or digit) then upper.
                if (char.IsUpper(c) && (char.IsLower(previous) || char.IsDigit(previous)))
                {
                    Flush(current, terms);
                }

                if (current.Length < MaxTermLength)
                {
                    current.Append(char.ToLower(c, CultureInfo.InvariantCulture));
                }
            }

            previous = c;
        }

        Flush(current, terms);
        return terms;
    }

    private static void Flush(StringBuilder current, List<string> terms)
    {
        if (current.Length > 0)
        {
            terms.Add(current.ToString());
            current.Clear();
        }
    }
}
