namespace IpyBox.AI;

/// <summary>
/// The path rules of <see cref="IpyBoxAgentFileStore"/>, the same as the sandbox's file tools: a path is relative, uses
/// forward slashes (back slashes count as separators), and no segment is <c>..</c> or holds a NUL; <c>.</c> and empty
/// segments are dropped.
/// </summary>
internal static class AgentFileStorePath
{
    /// <summary>Returns the path normalised: segments joined by <c>/</c>, empty for the root.</summary>
    /// <exception cref="ArgumentException">The path is absolute or leaves the store's root.</exception>
    public static string Normalize(string? path, string parameterName)
    {
        var text = (path ?? string.Empty).Replace('\\', '/');
        if (text.StartsWith('/') || (text.Length >= 2 && text[1] == ':'))
        {
            throw new ArgumentException($"'{path}' is absolute; the file store takes paths relative to its root.", parameterName);
        }

        var segments = new List<string>();
        foreach (var segment in text.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == ".." || segment.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{path}' leaves the file store's root; '..' is not allowed.", parameterName);
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }

    /// <summary>Joins a normalised root and a normalised path.</summary>
    public static string Combine(string root, string path) =>
        root.Length == 0 ? path : path.Length == 0 ? root : $"{root}/{path}";
}
