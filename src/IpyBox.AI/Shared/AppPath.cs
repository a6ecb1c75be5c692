namespace IpyBox.AI;

/// <summary>Paths inside the container's <c>/app</c> directory.</summary>
internal static class AppPath
{
    public const string Root = "/app";

    /// <summary>Checks a path relative to <c>/app</c> and returns it normalised (forward slashes, no <c>.</c> segments).</summary>
    /// <exception cref="ArgumentException">The path is absolute or escapes <c>/app</c>.</exception>
    public static string Normalize(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = relativePath.Replace('\\', '/');
        if (path.StartsWith('/') || (path.Length >= 2 && path[1] == ':'))
        {
            throw new ArgumentException($"'{relativePath}' is absolute; give a path relative to /app.", nameof(relativePath));
        }

        var segments = new List<string>();
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == ".." || segment.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{relativePath}' escapes /app; '..' is not allowed.", nameof(relativePath));
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }

    /// <summary>Returns the absolute container path of a path relative to <c>/app</c>.</summary>
    public static string ToAbsolute(string relativePath)
    {
        var normalized = Normalize(relativePath);
        return normalized.Length == 0 ? Root : $"{Root}/{normalized}";
    }
}
