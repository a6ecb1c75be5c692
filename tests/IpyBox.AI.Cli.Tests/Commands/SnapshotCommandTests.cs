using System.Text.Json;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;

namespace IpyBox.AI.Cli.Tests.Commands;

/// <summary>
/// <c>ipybox snapshot create|ls|rm</c>, <c>run --snapshot</c> and what <c>cleanup</c> says about snapshot images. The snapshot's
/// name is unique to the test; its images (the current one and any it left behind) are removed afterwards whatever happened.
/// </summary>
public sealed partial class SnapshotCommandTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();
    private readonly string _name;
    private readonly TempDirectory _directory = new("ipybox-snapshot-cli-tests-");

    public SnapshotCommandTests() => _name = $"cli-test-{_runId}";

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public async Task DisposeAsync()
    {
        await DockerEngine.RemoveAllAsync(_runId);
        using var client = DockerEngine.CreateClient();
        var images = await client.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"ai.ipybox.snapshot={_name}"] = true } },
        });
        foreach (var image in images)
        {
            try
            {
                await client.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true });
            }
            catch (Docker.DotNet.DockerImageNotFoundException)
            {
            }
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task Create_ls_run_from_it_save_again_and_rm()
    {
        var source = await RunKeptAsync("with open('data.txt', 'w') as f: f.write('v1')");

        var create = await ToolAsync(["snapshot", "create", source[..12], _name]);
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Equal($"{_name}\n", create.Stdout);

        var listed = Assert.Single(await ListSnapshotsAsync(), s => s.GetProperty("name").GetString() == _name);
        Assert.Equal(source, listed.GetProperty("sourceSandboxId").GetString());
        Assert.True(listed.GetProperty("sizeBytes").GetInt64() > 0);
        var table = await ToolAsync(["snapshot", "ls"]);
        Assert.Matches($@"(?m)^{Regex.Escape(_name)}\s+{source[..12]}\s+\d{{4}}-", table.Stdout);

        // A kept sandbox started from the snapshot has its files, and says where it came from.
        var fromSnapshot = await RunKeptAsync("print(open('data.txt').read())", "--snapshot", _name);
        var ls = await ToolAsync(["ls", "--meta", $"run={_runId}", "--json"]);
        var described = Assert.Single(JsonDocument.Parse(ls.Stdout).RootElement.EnumerateArray(), s => s.GetProperty("id").GetString() == fromSnapshot);
        Assert.Equal(_name, described.GetProperty("snapshot").GetString());

        // Saving again moves the name; the old image is left behind and cleanup names it.
        var first = await ImageIdAsync() ?? throw new Xunit.Sdk.XunitException("The snapshot has no image.");
        Assert.True((await ToolAsync(["exec", source, "with open('data.txt', 'w') as f: f.write('v2')"])).ExitCode == 0);
        Assert.True((await ToolAsync(["snapshot", "create", source, _name])).ExitCode == 0);
        Assert.NotEqual(first, await ImageIdAsync());
        var dryRun = await ToolAsync(["cleanup", "--dry-run", "--snapshots"]);
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains($"Would remove leftover snapshot image {first["sha256:".Length..][..12]}", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Would remove snapshot {_name}\n", dryRun.Stdout, StringComparison.Ordinal);
        Assert.NotNull(await ImageIdAsync());

        var fresh = await ToolAsync(["run", "--label", $"{DockerEngine.TestLabel}={_runId}", "--snapshot", _name, "print(open('data.txt').read())"]);
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        Assert.Equal("v2\n", fresh.Stdout);

        var rm = await ToolAsync(["snapshot", "rm", _name]);
        Assert.True(rm.ExitCode == 0, rm.ToString());
        Assert.Equal($"Removed {_name}\n", rm.Stdout);
        Assert.DoesNotContain(await ListSnapshotsAsync(), s => s.GetProperty("name").GetString() == _name);

        var again = await ToolAsync(["snapshot", "rm", _name]);
        Assert.Equal(3, again.ExitCode);
        Assert.Equal($"error: no snapshot is named {_name}; 'ipybox snapshot ls' lists them.\n", again.Stderr);

        // The sandbox started from it keeps its files.
        var kept = await ToolAsync(["exec", fromSnapshot, "print(open('data.txt').read())"]);
        Assert.True(kept.ExitCode == 0, kept.ToString());
        Assert.Equal("v1\n", kept.Stdout);
    }

    [Fact]
    public async Task An_invalid_name_exits_1()
    {
        var create = await ToolAsync(["snapshot", "create", new string('a', 64), "bad/name"]);

        Assert.Equal(1, create.ExitCode);
        Assert.Contains("'bad/name' is not a snapshot name", create.Stderr, StringComparison.Ordinal);
    }

    private async Task<string?> ImageIdAsync()
    {
        using var client = DockerEngine.CreateClient();
        try
        {
            return (await client.Images.InspectImageAsync($"ipybox-snapshot:{_name}")).ID;
        }
        catch (Docker.DotNet.DockerImageNotFoundException)
        {
            return null;
        }
    }

    private async Task<List<JsonElement>> ListSnapshotsAsync()
    {
        var ls = await ToolAsync(["snapshot", "ls", "--json"]);
        Assert.True(ls.ExitCode == 0, ls.ToString());
        return [.. JsonDocument.Parse(ls.Stdout).RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private async Task<string> RunKeptAsync(string code, params string[] options)
    {
        var run = await ToolAsync(["run", "--keep", "--meta", $"run={_runId}", "--label", $"{DockerEngine.TestLabel}={_runId}", .. options, code]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return SandboxLine().Match(run.Stderr) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException($"No sandbox id printed: {run}");
    }

    private async Task<ProcessResult> ToolAsync(string[] arguments) => await IpyBoxTool.RunAsync(arguments, string.Empty, _directory.FullName);

    [GeneratedRegex("(?m)^sandbox: ([0-9a-f]{64})$")]
    private static partial Regex SandboxLine();
}
