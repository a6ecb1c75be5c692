namespace IpyBox.AI.Cli.Commands;

/// <summary>Turns repeated <c>--meta KEY=VALUE</c> arguments into a sandbox's metadata (or a query's); the library checks keys and values.</summary>
internal static class MetadataArguments
{
    /// <exception cref="ArgumentException">An argument is not KEY=VALUE, or a key is given twice.</exception>
    public static Dictionary<string, string> Parse(IEnumerable<string> arguments)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in arguments.Select(argument => KeyValueParser.Parse(argument, "--meta")))
        {
            if (!metadata.TryAdd(key, value))
            {
                throw new ArgumentException($"--meta gives '{key}' twice.");
            }
        }

        return metadata;
    }
}
