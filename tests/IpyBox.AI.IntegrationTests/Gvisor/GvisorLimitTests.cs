namespace IpyBox.AI.IntegrationTests.Gvisor;

/// <summary>
/// The memory and pids limits under gVisor. Both act on the whole sandbox there (gVisor's own memory and threads count
/// too): the host is protected, the sandbox ends, and the error says which limit ended it.
/// </summary>
public sealed class GvisorLimitTests : IAsyncLifetime
{
    private const long MiB = 1L << 20;

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_cell_beyond_the_memory_limit_ends_the_sandbox_with_an_error_that_says_it_was_OOM_killed()
    {
        var options = GvisorProviderFixture.Options();
        options.MemoryLimitBytes = 384 * MiB;
        await using var sandbox = await new DockerSandboxProvider(options).CreateAsync();
        await sandbox.ExecuteAsync("x = 41");

        var lost = await Assert.ThrowsAsync<SandboxUnavailableException>(() => sandbox.ExecuteAsync("hog = b'\\x01' * (1024 * 1024 * 1024)"));

        Assert.Contains("OOM-killed", lost.Message);
        Assert.Contains("384 MiB", lost.Message);
        Assert.Contains("MemoryLimitBytes", lost.Message);
        Assert.False(await IsRunningAsync(sandbox.Id));
    }

    [Fact]
    public async Task A_fork_bomb_ends_the_sandbox_at_the_pids_limit_with_an_error_that_names_it()
    {
        var options = GvisorProviderFixture.Options();
        options.PidsLimit = 256;
        await using var sandbox = await new DockerSandboxProvider(options).CreateAsync();

        var lost = await Assert.ThrowsAsync<SandboxUnavailableException>(() => sandbox.ExecuteAsync("""
            import os, time
            for _ in range(5000):
                if os.fork() == 0:
                    time.sleep(60)
                    os._exit(0)
            """));

        Assert.Contains("PidsLimit (256)", lost.Message);
        Assert.False(await IsRunningAsync(sandbox.Id));
    }

    private static async Task<bool> IsRunningAsync(string id)
    {
        using var client = DockerEngine.CreateClient();
        return (await client.Containers.InspectContainerAsync(id)).State!.Running;
    }
}
