namespace IpyBox.AI.Cli.Mcp;

/// <summary>
/// Decides which host paths the MCP tools may read or write: only paths inside the allowed directories, judged after
/// resolving <c>..</c> segments and symbolic links the way the operating system would.
/// </summary>
internal sealed class HostPathPolicy
{
    private const int MaxLinkHops = 40;

    private readonly List<string> _allowed;

    /// <exception cref="DirectoryNotFoundException">An allowed directory does not exist.</exception>
    public HostPathPolicy(IEnumerable<string> allowedDirectories)
    {
        var allowed = new List<string>();
        foreach (var directory in allowedDirectories)
        {
            var full = Path.GetFullPath(directory);
            if (!Directory.Exists(full))
            {
                throw new DirectoryNotFoundException($"The allowed directory '{directory}' does not exist; create it or fix --allowed-dir.");
            }

            allowed.Add(Canonicalize(full));
        }

        _allowed = allowed;
    }

    /// <summary>Gets the canonical allowed directories.</summary>
    public IReadOnlyList<string> AllowedDirectories => _allowed;

    /// <summary>Returns the canonical form of <paramref name="path"/> when it lies inside an allowed directory.</summary>
    /// <exception cref="UnauthorizedAccessException">The path is relative or lies outside every allowed directory.</exception>
    public string Authorize(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
        {
            throw new UnauthorizedAccessException($"'{path}' is not an absolute host path; give the full path of a file inside an allowed directory.");
        }

        if (_allowed.Count == 0)
        {
            throw new UnauthorizedAccessException(
                "No host directory is allowed for file transfer; start the server with --allowed-dir <directory>.");
        }

        var canonical = Canonicalize(path);
        if (!_allowed.Any(root => IsInside(canonical, root)))
        {
            throw new UnauthorizedAccessException(
                $"'{path}' (resolved to '{canonical}') is outside the allowed directories: {string.Join(", ", _allowed)}.");
        }

        return canonical;
    }

    /// <summary>Resolves <c>.</c>, <c>..</c> and symbolic links component by component, as the kernel does when opening the path.</summary>
    internal static string Canonicalize(string path)
    {
        var root = Path.GetPathRoot(path)!;
        var pending = new Stack<string>(Split(path[root.Length..]).Reverse());
        var current = root;
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var candidate = Path.Join(current, part);
            var target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                current = candidate;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new UnauthorizedAccessException($"'{path}' has too many levels of symbolic links.");
            }

            // Continue with the link's target in place of the link.
            foreach (var targetPart in Split(target).Reverse())
            {
                pending.Push(targetPart);
            }

            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
            }
        }

        return current;
    }

    private static bool IsInside(string path, string directory) =>
        path == directory
        || path.StartsWith(directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string[] Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
