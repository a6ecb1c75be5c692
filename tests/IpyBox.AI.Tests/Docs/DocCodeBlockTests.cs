using System.Text.RegularExpressions;

namespace IpyBox.AI.Tests.Docs;

/// <summary>
/// Every C# block of README.md and docs/ is code that compiles, or says it is a fragment. A block backed by a file is
/// preceded by <c>&lt;!-- snippet: path#region --&gt;</c> and must equal that region of a file the build compiles
/// (between <c>// &lt;region&gt;</c> and <c>// &lt;/region&gt;</c>, without the common indentation; <c>#a+b</c> is two regions
/// shown as one block, a blank line between them), so the page
/// cannot drift from the code; a block compiled and run by a test as it stands is preceded by
/// <c>&lt;!-- compiled-by: path --&gt;</c>; a deliberately partial block starts with <c>// Fragment:</c> and says what
/// it needs. A page with C# says which packages it needs (<c>dotnet add package</c>).
/// </summary>
public sealed partial class DocCodeBlockTests
{
    private const string FragmentMarker = "// Fragment:";

    private static readonly string s_root = FindRepositoryRoot();

    private static readonly string s_solution = File.ReadAllText(Path.Combine(s_root, "IpyBox.AI.sln")).Replace('\\', '/');

    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string>("README.md");
        foreach (var page in Directory.EnumerateFiles(Path.Combine(s_root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            pages.Add(Path.GetRelativePath(s_root, page).Replace('\\', '/'));
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_csharp_block_is_compiled_or_marked_as_a_fragment(string page)
    {
        var problems = new List<string>();
        foreach (var block in CodeBlocks(page).Where(b => b.Language == "csharp"))
        {
            var where = $"{page}:{block.Line}";
            if (block.Marker is { } marker && SnippetMarker().Match(marker) is { Success: true } snippet)
            {
                problems.AddRange(CheckSnippet(where, block.Code, snippet.Groups["path"].Value, snippet.Groups["region"].Value));
            }
            else if (block.Marker is { } testMarker && CompiledByMarker().Match(testMarker) is { Success: true } test)
            {
                var testFile = Path.Combine(s_root, test.Groups["path"].Value);
                if (!File.Exists(testFile) || !File.ReadAllText(testFile).Contains(Path.GetFileName(page), StringComparison.Ordinal))
                {
                    problems.Add($"{where}: {test.Groups["path"].Value} does not exist or does not read {Path.GetFileName(page)}.");
                }
            }
            else if (!block.Code.StartsWith(FragmentMarker, StringComparison.Ordinal))
            {
                problems.Add($"{where}: a C# block that is neither a snippet of a compiled file (<!-- snippet: path#region --> before it) nor marked as a fragment (first line \"{FragmentMarker} needs ...\").");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void A_page_with_csharp_says_which_packages_it_needs(string page)
    {
        var text = File.ReadAllText(Path.Combine(s_root, page));
        if (CodeBlocks(page).Any(b => b.Language == "csharp"))
        {
            Assert.True(text.Contains("dotnet add package ", StringComparison.Ordinal), $"{page} shows C# but does not say which packages it needs (a `dotnet add package ...` line).");
        }
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_marker_stands_before_a_csharp_block(string page)
    {
        var lines = File.ReadAllLines(Path.Combine(s_root, page));
        for (var i = 0; i < lines.Length; i++)
        {
            if (SnippetMarker().IsMatch(lines[i]) || CompiledByMarker().IsMatch(lines[i]))
            {
                var next = lines.Skip(i + 1).FirstOrDefault(l => l.Trim().Length > 0);
                Assert.True(next == "```csharp", $"{page}:{i + 1}: the marker is not followed by a C# block.");
            }
        }
    }

    [Fact]
    public void A_block_that_differs_from_its_region_is_found()
    {
        var region = ReadRegion("tests/IpyBox.AI.DocSnippets/ExecutionPage.cs", "connect");
        Assert.NotNull(region);
        Assert.Empty(CheckSnippet("test", region, "tests/IpyBox.AI.DocSnippets/ExecutionPage.cs", "connect"));
        Assert.NotEmpty(CheckSnippet("test", region + "\n// changed", "tests/IpyBox.AI.DocSnippets/ExecutionPage.cs", "connect"));
    }

    private static IEnumerable<string> CheckSnippet(string where, string code, string path, string region)
    {
        var file = Path.Combine(s_root, path);
        if (!File.Exists(file))
        {
            yield return $"{where}: {path} does not exist.";
            yield break;
        }

        if (!IsCompiled(path))
        {
            yield return $"{where}: {path} is not in a project of IpyBox.AI.sln, so nothing compiles it.";
        }

        // Regions joined with '+' are shown as one block, a blank line between them (usings above a method's body).
        var parts = region.Split('+').Select(name => (Name: name, Code: ReadRegion(path, name))).ToList();
        var expected = parts.All(p => p.Code is not null) ? string.Join("\n\n", parts.Select(p => p.Code)) : null;
        foreach (var missing in parts.Where(p => p.Code is null))
        {
            yield return $"{where}: {path} has no region \"{missing.Name}\" (// <{missing.Name}> ... // </{missing.Name}>).";
        }

        if (expected is not null && expected != code)
        {
            yield return $"{where}: the block differs from {path}#{region}; copy the region into the page.\n--- region:\n{expected}\n--- page:\n{code}";
        }
    }

    /// <summary>The lines between <c>// &lt;name&gt;</c> and <c>// &lt;/name&gt;</c>, without their common indentation.</summary>
    private static string? ReadRegion(string path, string name)
    {
        var lines = File.ReadAllLines(Path.Combine(s_root, path));
        var start = Array.FindIndex(lines, l => l.Trim() == $"// <{name}>");
        var end = Array.FindIndex(lines, l => l.Trim() == $"// </{name}>");
        if (start < 0 || end < start)
        {
            return null;
        }

        var region = lines[(start + 1)..end];
        var indent = region.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', region.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    /// <summary>Whether a project of the solution holds the file (its folder or one above it has a project the solution lists).</summary>
    private static bool IsCompiled(string path)
    {
        for (var folder = Path.GetDirectoryName(path); !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
        {
            var project = Directory.EnumerateFiles(Path.Combine(s_root, folder), "*.csproj").FirstOrDefault();
            if (project is not null)
            {
                return s_solution.Contains($"\"{Path.GetRelativePath(s_root, project).Replace('\\', '/')}\"", StringComparison.Ordinal);
            }
        }

        return false;
    }

    private static List<CodeBlock> CodeBlocks(string page)
    {
        var lines = File.ReadAllLines(Path.Combine(s_root, page));
        var blocks = new List<CodeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal) || lines[i].Length == 3)
            {
                continue;
            }

            var close = Array.FindIndex(lines, i + 1, l => l == "```");
            Assert.True(close > i, $"{page}:{i + 1}: a code block that is never closed.");
            var marker = lines.Take(i).LastOrDefault(l => l.Trim().Length > 0);
            blocks.Add(new CodeBlock(lines[i][3..].Trim(), i + 1, string.Join('\n', lines[(i + 1)..close]), marker));
            i = close;
        }

        return blocks;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IpyBox.AI.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No IpyBox.AI.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^<!-- snippet: (?<path>[^#\s]+)#(?<region>[\w+-]+) -->$")]
    private static partial Regex SnippetMarker();

    [GeneratedRegex(@"^<!-- compiled-by: (?<path>\S+) -->$")]
    private static partial Regex CompiledByMarker();

    private sealed record CodeBlock(string Language, int Line, string Code, string? Marker);
}
