namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// Output is bounded in the kernel, where it is made: a cell that floods in any shape (without newlines, line by line,
/// on stderr, from a subprocess, as display data) is stopped at the sandbox's output limit with a marker that names the
/// option, the container and its server stay up, and the next cell runs.
/// </summary>
public sealed class OutputFloodTests : IAsyncLifetime
{
    private const int Limit = 5_000_000;

    private ExecutionContainer? _container;

    private ExecutionContainer Container => _container!;

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        _container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { CellOutputLimit = Limit, MemoryLimitBytes = 1L << 30 });
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("import sys\nchunk = 'x' * 1_000_000\nwhile True:\n    sys.stdout.write(chunk)")]
    [InlineData("while True:\n    print('y' * 1000)")]
    [InlineData("import sys\nwhile True:\n    sys.stderr.write('z' * 100_000)")]
    [InlineData("from IPython.display import display\nwhile True:\n    display({'text/plain': 'w' * 100_000}, raw=True)")]
    public async Task A_flood_from_the_cell_is_stopped_at_the_limit_with_a_marker_and_the_sandbox_goes_on(string flood)
    {
        await using var client = await Container.ConnectClientAsync();
        await client.ExecuteAsync("kept = 42");

        var stopped = await Assert.ThrowsAsync<ExecutionException>(() => client.ExecuteAsync(flood, TimeSpan.FromMinutes(2)));

        Assert.Equal("OutputLimitExceeded", stopped.ErrorName);
        Assert.Contains("ExecutionContainerOptions.CellOutputLimit", stopped.Result!.Stderr);
        await AssertTheSandboxGoesOnAsync(client);
    }

    [Fact]
    public async Task A_flood_without_newlines_under_the_default_limits_stops_the_cell_and_not_the_container()
    {
        await using var container = await ExecutionContainer.StartAsync();
        await using var client = await container.ConnectClientAsync();
        await client.ExecuteAsync("kept = 42");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.ExecuteAsync(
            "import sys\nchunk = 'x' * 1_000_000\nwhile True:\n    sys.stdout.write(chunk)", TimeSpan.FromMinutes(2)));

        Assert.True(error is ExecutionException { ErrorName: "OutputLimitExceeded" } or ExecutionTimeoutException, error.ToString());
        using var docker = DockerEngine.CreateClient();
        Assert.True((await docker.Containers.InspectContainerAsync(container.ContainerId!)).State!.Running);
        Assert.Equal("42", (await client.ExecuteAsync("print(kept)", TimeSpan.FromSeconds(60))).Text);
    }

    [Fact]
    public async Task A_flood_in_a_small_sandbox_that_times_out_and_ignores_nothing_leaves_the_container_running()
    {
        // Found by the soak run: in a 512 MiB sandbox, output on its way filled the memory and the whole container was
        // OOM-killed, because the limit was larger than what the kernel and the server can hold. It now scales with memory.
        await using var container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { MemoryLimitBytes = 512L << 20 });
        await using var client = await container.ConnectClientAsync();
        await client.ExecuteAsync("kept = 42");

        for (var i = 0; i < 3; i++)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => client.ExecuteAsync(
                "import sys\nchunk = 'y' * 100_000\nwhile True:\n    sys.stdout.write(chunk)", TimeSpan.FromSeconds(3)));
            Assert.True(error is ExecutionException { ErrorName: "OutputLimitExceeded" } or ExecutionTimeoutException, error.ToString());
        }

        using var docker = DockerEngine.CreateClient();
        Assert.True((await docker.Containers.InspectContainerAsync(container.ContainerId!)).State!.Running);
        Assert.Equal("ok", (await client.ExecuteAsync("print('ok')", TimeSpan.FromSeconds(60))).Text);
    }

    [Fact]
    public async Task A_flood_that_catches_the_stop_and_a_subprocess_flood_send_nothing_more_and_end_at_the_timeout()
    {
        await using var client = await Container.ConnectClientAsync(new ExecutionClientOptions { MaxOutputLength = 50_000_000 });
        await client.ExecuteAsync("kept = 42");

        var caught = await Assert.ThrowsAsync<ExecutionTimeoutException>(() => client.ExecuteAsync("""
            import sys
            while True:
                try:
                    sys.stdout.write('v' * 1_000_000)
                except BaseException as e:
                    if type(e).__name__ != 'OutputLimitExceeded':
                        raise
            """, TimeSpan.FromSeconds(10)));
        Assert.False(caught.KernelRestarted);

        var piped = await Assert.ThrowsAnyAsync<TimeoutException>(() => client.ExecuteAsync(
            "import subprocess\nsubprocess.run(['sh', '-c', 'while true; do echo uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu; done'])",
            TimeSpan.FromSeconds(10)));
        Assert.IsType<ExecutionTimeoutException>(piped);
        await AssertTheSandboxGoesOnAsync(client);
    }

    [Fact]
    public async Task What_the_sandbox_writes_to_its_container_log_is_bounded_on_the_host()
    {
        await using var client = await Container.ConnectClientAsync();
        await client.ExecuteAsync("kept = 42");

        // The engine's init (PID 1) runs as the kernel user and its output is the container's log, kept on the host's disk;
        // a subprocess's output was copied there too.
        await client.ExecuteAsync("""
            import subprocess
            with open('/proc/1/fd/1', 'w') as log:
                for _ in range(200):
                    log.write('L' * 100_000 + '\n')
            subprocess.run(['sh', '-c', 'head -c 20000000 /dev/zero | tr "\\0" S'], check=True)
            """, TimeSpan.FromMinutes(2));

        using var docker = DockerEngine.CreateClient();
        var logPath = (await docker.Containers.InspectContainerAsync(Container.ContainerId!)).LogPath;
        var logFiles = Directory.GetFiles(Path.GetDirectoryName(logPath)!, Path.GetFileName(logPath) + "*");
        Assert.NotEmpty(logFiles);
        Assert.InRange(logFiles.Sum(f => new FileInfo(f).Length), 1, 3L << 20);
        await AssertTheSandboxGoesOnAsync(client);
    }

    private async Task AssertTheSandboxGoesOnAsync(ExecutionClient client)
    {
        using var docker = DockerEngine.CreateClient();
        var state = await docker.Containers.InspectContainerAsync(Container.ContainerId!);
        Assert.True(state.State!.Running);
        Assert.Equal("42", (await client.ExecuteAsync("print(kept)", TimeSpan.FromSeconds(60))).Text);
    }
}
