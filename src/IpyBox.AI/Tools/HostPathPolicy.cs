namespace IpyBox.AI;

/// <summary>
/// The host directories the file tools may read from and write to (<see cref="IpyBoxOptions.AllowedHostDirectories"/>).
/// Paths are made absolute, <c>.</c>/<c>..</c> removed and every symbolic link on the way resolved before comparing, so
/// neither <c>..</c> nor a link can lead out. Nothing is allowed when no directory is configured.
/// </summary>
public sealed class HostPathPolicy
{
    private static readonly StringComparison s_comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        ? StringComparison.OrdinalIgnoreCase
        : StringComparison.Ordinal;

    private readonly IReadOnlyList<string> _configured;

    /// <summary>Initializes a new instance of the <see cref="HostPathPolicy"/> class.</summary>
    /// <param name="allowedDirectories">The directories; they are resolved when a path is checked, so they may be created later.</param>
    /// <exception cref="ArgumentNullException"><paramref name="allowedDirectories"/> is <see langword="null"/>.</exception>
    public HostPathPolicy(IEnumerable<string> allowedDirectories)
    {
        _configured = [.. Throw.IfNull(allowedDirectories)];
    }

    /// <summary>Gets a value indicating whether no directory is allowed, so every path is refused.</summary>
    public bool IsEmpty => _configured.Count == 0;

    /// <summary>Returns the canonical form of <paramref name="path"/> when it lies inside an allowed directory.</summary>
    /// <param name="path">The host path, absolute or relative to the current directory.</param>
    /// <returns>The absolute path with every symbolic link resolved; use it, not <paramref name="path"/>, for the file operation.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="UnauthorizedAccessException">The path is outside every allowed directory, or none is configured.</exception>
    public string Authorize(string path)
    {
        Throw.IfNullOrWhiteSpace(path);
        if (IsEmpty)
        {
            throw new UnauthorizedAccessException(
                "No host directory is allowed for file transfer. The application must list directories in IpyBoxOptions.AllowedHostDirectories.");
        }

        var resolved = Resolve(path);
        foreach (var directory in _configured)
        {
            var root = Resolve(directory);
            if (IsInside(resolved, root))
            {
                return resolved;
            }
        }

        throw new UnauthorizedAccessException(
            $"The host path '{path}' is outside the allowed directories ({string.Join(", ", _configured)}). Use a path inside one of them.");
    }

    /// <summary>Makes a path absolute and resolves every symbolic link in it; components that do not exist yet are kept as given.</summary>
    internal static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? string.Empty;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var current = root;
        var hops = 0;
        var queue = new Queue<string>(parts.Where(p => p.Length > 0));
        while (queue.TryDequeue(out var part))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++hops > 40)
                {
                    throw new UnauthorizedAccessException($"Too many symbolic links while resolving '{path}'.");
                }

                // Resolve the link's target the same way, then continue with what is left of the path.
                var targetPath = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
                var rest = queue.ToArray();
                var resolvedTarget = Path.GetFullPath(targetPath);
                var targetRoot = Path.GetPathRoot(resolvedTarget) ?? string.Empty;
                current = targetRoot;
                queue = new Queue<string>(resolvedTarget[targetRoot.Length..]
                    .Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
                    .Where(p => p.Length > 0)
                    .Concat(rest));
                continue;
            }

            current = next;
        }

        return Path.TrimEndingDirectorySeparator(current.Length == 0 ? root : current);
    }

    private static bool IsInside(string path, string directory)
    {
        if (path.Equals(directory, s_comparison))
        {
            return true;
        }

        var prefix = directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, s_comparison);
    }
}
