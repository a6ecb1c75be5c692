using System.Diagnostics;

namespace IpyBox.AI.Cli.Tests.Commands;

/// <summary>
/// A process killed with <c>kill -9</c> leaves its container behind; <c>ipybox cleanup --orphaned</c> and the next provider
/// or session manager remove it, and never touch containers whose owner is alive. Scoped with a test label, so containers
/// of tests running at the same time are not involved.
/// </summary>
public sealed class OrphanTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => DockerEngine.RemoveAllAsync(_runId);

    [Fact]
    public async Task Containers_of_a_process_killed_with_kill_9_are_removed_by_cleanup_and_by_the_next_manager_and_live_ones_are_kept()
    {
        await using var live = await ExecutionContainer.StartAsync(Options());

        var first = await StartAndKillOwnerAsync();
        var found = await ManagedContainers.ListAsync(Filter());
        Assert.True(found.Single(c => c.Id == first).IsOrphaned);
        Assert.False(found.Single(c => c.Id == live.ContainerId).IsOrphaned);

        var cleanup = await IpyBoxTool.RunAsync(["cleanup", "--label", $"{DockerEngine.TestLabel}={_runId}", "--orphaned"]);
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        Assert.Contains($"Removed {first[..12]}", cleanup.Stdout, StringComparison.Ordinal);
        Assert.Equal([live.ContainerId], (await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId)).Select(c => c.ID));

        var second = await StartAndKillOwnerAsync();
        await using (var manager = new SandboxSessionManager(new IpyBoxOptions { Container = Options() }))
        {
            var session = await manager.GetOrCreateAsync("after-crash");
            var left = (await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId)).Select(c => c.ID).ToHashSet();
            Assert.DoesNotContain(second, left);
            Assert.Contains(live.ContainerId!, left);
            Assert.Contains(session.SandboxId, left);
        }

        Assert.True(await DockerEngine.ContainerExistsAsync(live.ContainerId!));
    }

    private ExecutionContainerOptions Options() => new() { Labels = { [DockerEngine.TestLabel] = _runId } };

    private ManagedContainerFilter Filter() => new() { Labels = { [DockerEngine.TestLabel] = _runId } };

    /// <summary>Starts <c>ipybox run</c> with a long cell, waits for its container, then kills the process with SIGKILL.</summary>
    private async Task<string> StartAndKillOwnerAsync()
    {
        var before = (await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId)).Select(c => c.ID).ToHashSet();
        var start = new ProcessStartInfo(IpyBoxTool.DotnetPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in IpyBoxTool.Arguments("run", "--label", $"{DockerEngine.TestLabel}={_runId}", "print('ready', flush=True)\nimport time\ntime.sleep(600)"))
        {
            start.ArgumentList.Add(argument);
        }

        using var owner = Process.Start(start)!;
        try
        {
            // The cell's first output means the container runs and its kernel executes.
            var line = await owner.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.Equal("ready", line);
        }
        finally
        {
            owner.Kill();
            await owner.WaitForExitAsync();
        }

        var created = (await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId)).Select(c => c.ID).Except(before);
        return Assert.Single(created);
    }
}
