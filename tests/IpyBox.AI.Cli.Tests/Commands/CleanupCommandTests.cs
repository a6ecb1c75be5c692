using Docker.DotNet.Models;

namespace IpyBox.AI.Cli.Tests.Commands;

/// <summary>
/// <c>ipybox cleanup</c>. Other test assemblies run containers on the same engine at the same time, so every call here is
/// scoped with <c>--label</c> to this test's containers.
/// </summary>
public sealed class CleanupCommandTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => DockerEngine.RemoveAllAsync(_runId);

    [Fact]
    public async Task Without_all_only_orphans_go_and_the_live_sandbox_of_a_running_process_is_kept_and_counted()
    {
        await using var live = await ExecutionContainer.StartAsync(Options("live"));
        var orphan = await CreateOrphanAsync();
        var scope = $"{DockerEngine.TestLabel}={_runId}";

        var dryRun = await IpyBoxTool.RunAsync(["cleanup", "--label", scope, "--dry-run"]);
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains($"Would remove {orphan[..12]}", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("Would remove 1 container(s), 0 leftover volume(s) and 0 leftover network(s).", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("Kept 1 container(s) of processes that still run or of other machines; --all removes them too.", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, (await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId)).Count);

        // The default: the orphan goes, the live sandbox (this test process is its owner) stays and keeps working.
        var cleanup = await IpyBoxTool.RunAsync(["cleanup", "--label", scope]);
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        Assert.Contains($"Removed {orphan[..12]}", cleanup.Stdout, StringComparison.Ordinal);
        Assert.Contains("Removed 1 container(s), 0 leftover volume(s) and 0 leftover network(s).", cleanup.Stdout, StringComparison.Ordinal);
        var left = Assert.Single(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
        Assert.Equal(live.ContainerId, left.ID);
        await using (var client = await live.ConnectClientAsync())
        {
            Assert.Equal("2", (await client.ExecuteAsync("print(1 + 1)")).Text);
        }

        // --orphaned names the default explicitly, and cannot be combined with --all.
        var orphans = await IpyBoxTool.RunAsync(["cleanup", "--label", scope, "--orphaned"]);
        Assert.Contains("Removed 0 container(s)", orphans.Stdout, StringComparison.Ordinal);
        var both = await IpyBoxTool.RunAsync(["cleanup", "--label", scope, "--orphaned", "--all"]);
        Assert.Equal(1, both.ExitCode);
        Assert.Single(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
    }

    [Fact]
    public async Task With_all_the_matching_containers_go_whoever_runs_them()
    {
        await using var live = await ExecutionContainer.StartAsync(Options("live"));
        var orphan = await CreateOrphanAsync();
        var scope = $"{DockerEngine.TestLabel}={_runId}";

        var ofConversation = await IpyBoxTool.RunAsync(["cleanup", "--all", "--label", scope, "--conversation", $"thread-{_runId}", "--dry-run"]);
        Assert.True(ofConversation.ExitCode == 0, ofConversation.ToString());
        Assert.Contains($"Would remove {live.ContainerId![..12]}", ofConversation.Stdout, StringComparison.Ordinal);
        Assert.Contains($"conversation thread-{_runId}", ofConversation.Stdout, StringComparison.Ordinal);
        Assert.Contains("Would remove 1 container(s), 0 leftover volume(s) and 0 leftover network(s).", ofConversation.Stdout, StringComparison.Ordinal);

        var otherImage = await IpyBoxTool.RunAsync(["cleanup", "--all", "--label", scope, "--image", "no-such-image:1"]);
        Assert.Contains("Removed 0 container(s), 0 leftover volume(s) and 0 leftover network(s).", otherImage.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, (await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId)).Count);

        var all = await IpyBoxTool.RunAsync(["cleanup", "--all", "--label", scope]);
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Contains($"Removed {live.ContainerId![..12]}", all.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Removed {orphan[..12]}", all.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Kept", all.Stdout, StringComparison.Ordinal);
        Assert.Empty(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
    }

    private ExecutionContainerOptions Options(string role) => new()
    {
        Labels = { [DockerEngine.TestLabel] = _runId, ["ai.ipybox.test-role"] = role, [ContainerLabels.Conversation] = $"thread-{_runId}" },
    };

    /// <summary>Creates a container labelled as if a process that no longer exists had started it.</summary>
    private async Task<string> CreateOrphanAsync()
    {
        using var client = DockerEngine.CreateClient();
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = RuntimeImage.DefaultTag,
            Labels = new Dictionary<string, string>
            {
                [ContainerLabels.Managed] = "true",
                [ContainerLabels.Image] = RuntimeImage.DefaultTag,
                [ContainerLabels.OwnerProcessId] = DeadProcessId().ToString(System.Globalization.CultureInfo.InvariantCulture),
                [ContainerLabels.OwnerHost] = Environment.MachineName,
                [DockerEngine.TestLabel] = _runId,
            },
        });
        return created.ID;
    }

    /// <summary>The id of a process that has exited: the one of a short-lived child.</summary>
    private static int DeadProcessId()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        process.WaitForExit();
        return process.Id;
    }
}
