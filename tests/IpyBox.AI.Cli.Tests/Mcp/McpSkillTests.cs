using System.Collections.Concurrent;
using ModelContextProtocol.Client;

namespace IpyBox.AI.Cli.Tests.Mcp;

/// <summary>
/// <c>ipybox mcp --skills-dir</c>: a real MCP client saves code as a skill with <c>save_skill</c> (or from a cell), the skill is
/// stored in the host folder, imported in the sandbox and found by search; a later <c>ipybox mcp</c> process on the same folder
/// loads it into its new sandbox.
/// </summary>
public sealed class McpSkillTests : IAsyncLifetime
{
    private const string RainTotal = """
        def rain_total(readings):
            "Sums the rain of a list of readings, ignoring missing ones."
            return sum(r for r in readings if r is not None)
        """;

    private readonly string _runId = DockerEngine.NewRunId();
    private readonly TempDirectory _directory = new("ipybox-mcp-skills-");
    private readonly ConcurrentQueue<string> _stderr = new();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public async Task DisposeAsync()
    {
        await DockerEngine.RemoveAllAsync(_runId);
        _directory.Dispose();
    }

    [Fact]
    public async Task Save_skill_stores_the_code_in_the_folder_imports_it_in_the_sandbox_and_search_finds_it()
    {
        var folder = _directory.Combine("skills");
        await using var client = await StartAsync("--skills-dir", folder, "--skills-tenant", "acme");

        var names = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        var saved = await client.CallToolAsync("save_skill", Arguments(("name", "rain_total"), ("description", "Sums rain readings, skipping missing ones."), ("code", RainTotal)));
        var hostile = await client.CallToolAsync("save_skill", Arguments(("name", "../../etc/passwd"), ("description", "x"), ("code", "x = 1")));
        var broken = await client.CallToolAsync("save_skill", Arguments(("name", "broken"), ("description", "Does not compile."), ("code", "def broken(:\n")));
        var cell = await client.CallToolAsync("execute_ipython_cell", Arguments(("code", "from skills.rain_total import rain_total\nprint(rain_total([1, None, 2.5]))")));
        var found = McpServerFixture.TextOf(await client.CallToolAsync("search_tools", Arguments(("query", "sum rain readings"), ("limit", 3))));

        Assert.Contains("save_skill", names);
        Assert.Contains("search_tools", names);
        Assert.False(saved.IsError == true, McpServerFixture.TextOf(saved));
        Assert.Contains("import skills.rain_total", McpServerFixture.TextOf(saved), StringComparison.Ordinal);
        Assert.True(hostile.IsError);
        Assert.True(broken.IsError);
        Assert.Contains("does not compile", McpServerFixture.TextOf(broken), StringComparison.Ordinal);
        Assert.False(cell.IsError == true, McpServerFixture.TextOf(cell));
        Assert.Equal("3.5", McpServerFixture.TextOf(cell).Trim());
        Assert.Contains("skills.rain_total", found, StringComparison.Ordinal);
        var manifest = Assert.Single(Directory.GetFiles(folder, "SKILL.md", SearchOption.AllDirectories));
        Assert.Contains("Sums rain readings", await File.ReadAllTextAsync(manifest), StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetDirectories(folder, "*", SearchOption.AllDirectories), d => d.Contains("broken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_skill_saved_from_a_cell_by_one_process_is_imported_and_called_by_the_next_process_on_the_same_folder()
    {
        var folder = _directory.Combine("shared-skills");
        await using (var first = await StartAsync("--skills-dir", folder))
        {
            var save = await first.CallToolAsync("execute_ipython_cell", Arguments(("code", $"""
                from mcptools import save_skill
                print(save_skill("rain_total", "Sums rain readings, skipping missing ones.", {Python(RainTotal)})["module"])
                """)));
            Assert.False(save.IsError == true, McpServerFixture.TextOf(save));
            Assert.Equal("skills.rain_total", McpServerFixture.TextOf(save).Trim());
        }

        await using var second = await StartAsync("--skills-dir", folder);
        var cell = await second.CallToolAsync("execute_ipython_cell", Arguments(("code", "import skills.rain_total as s\nprint(s.rain_total([4, None, 0.5]))")));

        Assert.False(cell.IsError == true, McpServerFixture.TextOf(cell) + string.Join('\n', _stderr));
        Assert.Equal("4.5", McpServerFixture.TextOf(cell).Trim());
    }

    private static Dictionary<string, object?> Arguments(params (string Name, object? Value)[] arguments) =>
        arguments.ToDictionary(a => a.Name, a => a.Value);

    /// <summary>A Python string literal of <paramref name="text"/> (ASCII text with newlines only).</summary>
    private static string Python(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    private Task<McpClient> StartAsync(params string[] arguments) =>
        McpServerFixture.StartAsync(_runId, _stderr, ["--network", "none", .. arguments]);
}
