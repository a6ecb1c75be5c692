using System.Text.RegularExpressions;

namespace IpyBox.AI.Tests;

/// <summary>
/// Enforces docs/architecture.md's folder table on the source tree: a file may name only the types of the folders its own
/// folder may use. Known breaks, each named in the architecture page, are listed here; the test fails on a new one and on a
/// listed one that is gone, so the list can only shrink.
/// </summary>
public sealed partial class LayerDependencyTests
{
    private const string Seam = "Sandboxes";
    private const string Engine = "Backends/Docker/Containers";
    private const string DockerFiles = "Backends/Docker/Files";
    private const string Docker = "Backends/Docker";
    private const string Kernel = "Backends/Kernel";
    private const string JupyterServer = "Backends/JupyterServer";

    private static readonly string[] s_decorators = ["Pool", "Telemetry", "Notebooks", "ToolBridge"];
    private static readonly string[] s_base = ["Shared", "Files"];

    /// <summary>Each folder and the folders it may use besides itself (docs/architecture.md, "Folders").</summary>
    private static readonly Dictionary<string, string[]> s_mayUse = new()
    {
        ["Shared"] = [],
        ["Files"] = ["Shared"],
        ["Execution"] = [.. s_base],
        [Seam] = [.. s_base, "Execution"],
        [Engine] = [.. s_base, "Execution", Seam, DockerFiles],
        [DockerFiles] = [.. s_base, "Execution", Seam, Engine],
        [Kernel] = [.. s_base, "Execution", Seam],
        [Docker] = [.. s_base, "Execution", Seam, Kernel, Engine, DockerFiles],
        [JupyterServer] = [.. s_base, "Execution", Seam, Kernel],
        ["Pool"] = [.. s_base, "Execution", Seam],
        ["Telemetry"] = [.. s_base, "Execution", Seam],
        ["Notebooks"] = [.. s_base, "Execution", Seam],
        ["ToolBridge"] = [.. s_base, "Execution", Seam],
        // The one deliberate exception: a session manager given no provider creates a Docker one.
        ["Sessions"] = [.. s_base, "Execution", Seam, .. s_decorators, Docker],
        ["Tools"] = [.. s_base, "Execution", Seam, .. s_decorators, "Sessions"],
        ["Hosting"] = [.. AllFolders()],
    };

    /// <summary>The breaks the redesign has still to remove: "file → type it must not name".</summary>
    private static readonly string[] s_knownBreaks =
    [
        "Sessions/IpyBoxOptions.cs → ExecutionContainerOptions (Backends/Docker/Containers)",
    ];

    [Fact]
    public void Every_file_names_only_types_of_the_folders_its_folder_may_use()
    {
        var root = Path.Combine(FindRepositoryRoot(), "src", "IpyBox.AI");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path: Path.GetRelativePath(root, f).Replace('\\', '/'), Code: WithoutComments(File.ReadAllText(f))))
            .ToList();

        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, code) in files)
        {
            // A file is named after its one type (ExecutionContainer.Firewall.cs is part of ExecutionContainer); nested
            // and file-local helpers are not seen outside it.
            owner.TryAdd(Path.GetFileName(path).Split('.')[0], FolderOf(path));
        }

        var breaks = new List<string>();
        foreach (var (path, code) in files)
        {
            var folder = FolderOf(path);
            Assert.True(s_mayUse.ContainsKey(folder), $"{path} is in {folder}, which docs/architecture.md's folder table does not place.");
            var allowed = s_mayUse[RuleOf(path)];
            foreach (var name in Identifier().Matches(code).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                if (owner.TryGetValue(name, out var other) && other != folder && !allowed.Contains(other))
                {
                    breaks.Add($"{path} → {name} ({other})");
                }
            }
        }

        var added = breaks.Except(s_knownBreaks, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var gone = s_knownBreaks.Except(breaks, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.True(
            added.Count == 0 && gone.Count == 0,
            $"New breaks of the dependency rule:\n{string.Join('\n', added)}\nListed breaks that are gone (remove them from the list):\n{string.Join('\n', gone)}");
    }

    private static IEnumerable<string> AllFolders() =>
        ["Shared", "Files", "Execution", Seam, Engine, DockerFiles, Kernel, Docker, JupyterServer, .. s_decorators, "Sessions", "Tools", "Hosting"];

    /// <summary>The folder whose rule a file follows: the longest folder of the table that holds it, except that a feature's
    /// builder extension (beside the feature) and the one logging class (in <c>Shared/</c>) compose everything, as
    /// <c>Hosting/</c> does.</summary>
    private static string RuleOf(string path) =>
        path.EndsWith("BuilderExtensions.cs", StringComparison.Ordinal) || path.StartsWith("Shared/Log", StringComparison.Ordinal)
            ? "Hosting"
            : FolderOf(path);

    /// <summary>The folder of a file: the longest folder of the table that holds it.</summary>
    private static string FolderOf(string path)
    {
        var directory = Path.GetDirectoryName(path)!.Replace('\\', '/');
        foreach (var candidate in new[] { Engine, DockerFiles, Docker, Kernel, JupyterServer })
        {
            if (directory == candidate || directory.StartsWith(candidate + "/", StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        var first = directory.Split('/')[0];
        return first.Length == 0 ? "(root)" : first;
    }

    private static string WithoutComments(string code) => LineComment().Replace(code, string.Empty);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IpyBox.AI.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("IpyBox.AI.sln not found above the test's directory.");
    }

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();
}
