namespace IpyBox.AI;

/// <summary>Checks names found in archives that come from a container (untrusted).</summary>
internal static class ArchivePath
{
    /// <summary>What <see cref="ToHostName"/> replaces: the backslash, and what the host forbids in a file name, except the separator <c>/</c> and NUL (refused).</summary>
    private static readonly char[] s_replaced = [.. Path.GetInvalidFileNameChars().Where(c => c is not '/' and not '\0').Append('\\').Distinct()];

    /// <summary>
    /// Splits an archive entry name into its segments. Returns <see langword="false"/> for a name that is absolute,
    /// contains <c>..</c>, a NUL character, a drive letter or a backslash.
    /// </summary>
    public static bool TrySplit(string name, out string[] segments)
    {
        segments = [];
        if (string.IsNullOrEmpty(name)
            || name.StartsWith('/')
            || name.Contains('\0', StringComparison.Ordinal)
            || name.Contains('\\', StringComparison.Ordinal)
            || (name.Length >= 2 && name[1] == ':'))
        {
            return false;
        }

        var parts = new List<string>();
        foreach (var part in name.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                return false;
            }

            parts.Add(part);
        }

        segments = [.. parts];
        return true;
    }

    /// <summary>
    /// Replaces the characters of an entry name that cannot be part of a file name on this host with <c>_</c>: a backslash
    /// (a separator on Windows, and legal in Linux file names, so a sandbox can create <c>a\b.txt</c> or <c>..\x.txt</c>)
    /// and, on Windows, the other reserved characters. No <c>.</c> or <c>..</c> segment can come out of it.
    /// </summary>
    /// <returns><paramref name="name"/> itself when nothing had to change.</returns>
    public static string ToHostName(string name)
    {
        if (name.IndexOfAny(s_replaced) < 0)
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (Array.IndexOf(s_replaced, chars[i]) >= 0)
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    /// <summary>Combines <paramref name="root"/> with <paramref name="segments"/> and proves the result stays inside <paramref name="root"/>.</summary>
    /// <exception cref="InvalidDataException">The result would lie outside <paramref name="root"/>.</exception>
    public static string Resolve(string root, IReadOnlyList<string> segments, string entryName)
    {
        var fullRoot = Path.GetFullPath(root);
        var combined = Path.GetFullPath(Path.Combine([fullRoot, .. segments]));
        var prefix = Path.EndsInDirectorySeparator(fullRoot) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        if (!combined.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw Unsafe(entryName);
        }

        return combined;
    }

    /// <summary>The error for an entry that would be written outside the target.</summary>
    public static InvalidDataException Unsafe(string entryName) =>
        new($"The archive from the container holds the unsafe entry '{entryName}' (absolute, '..' or outside the requested path); nothing was written.");
}
