namespace IpyBox.AI.Cli.Commands;

/// <summary>Parses <c>KEY=VALUE</c> arguments and environment files.</summary>
internal static class KeyValueParser
{
    /// <exception cref="ArgumentException">The text has no key.</exception>
    public static KeyValuePair<string, string> Parse(string text, string optionName)
    {
        var separator = text.IndexOf('=', StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw new ArgumentException($"{optionName} '{text}' must be KEY=VALUE.");
        }

        return new(text[..separator].Trim(), text[(separator + 1)..]);
    }

    /// <summary>Reads KEY=VALUE lines; blank lines, <c>#</c> comments and a leading <c>export </c> are ignored, and quotes around a value removed.</summary>
    /// <exception cref="ArgumentException">A line has no key.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IEnumerable<KeyValuePair<string, string>> ParseFile(string path)
    {
        var number = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var pair = Parse(line, $"{path}:{number}:");
            var value = pair.Value.Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            yield return new(pair.Key, value);
        }
    }
}
