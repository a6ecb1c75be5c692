using Docker.DotNet.Models;

namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// Limits are on by default and hold against hostile code: memory (the kernel dies, the host does not swap), processes,
/// the size of <c>/app</c>, a read-only root file system, an init that reaps zombies, and the runtime option.
/// </summary>
public sealed class ResourceLimitTests : IAsyncLifetime
{
    private const long MiB = 1L << 20;

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_limit_is_on_by_default_and_reaches_the_engine()
    {
        await using var container = await ExecutionContainer.StartAsync();
        var host = (await InspectAsync(container)).HostConfig!;

        Assert.Equal(2L << 30, host.Memory);
        Assert.Equal(host.Memory, host.MemorySwap); // no swap: the kernel dies at the limit
        Assert.Equal(2_000_000_000, host.NanoCPUs);
        Assert.Equal(512, host.PidsLimit);
        Assert.True(host.ReadonlyRootfs);
        Assert.True(host.Init);
        Assert.Contains("no-new-privileges", host.SecurityOpt);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.Equal("volume", Assert.Single(host.Mounts!, m => m.Target == "/app").Type); // writable, on disk, outlives a stop
        Assert.Contains("/tmp", host.Tmpfs!.Keys);
        Assert.Contains("/home/ipybox", host.Tmpfs.Keys);
        Assert.Contains("/opt/venv/user", host.Tmpfs.Keys);
    }

    [Fact]
    public async Task The_root_file_system_is_read_only_and_app_tmp_and_home_are_writable()
    {
        await using var container = await ExecutionContainer.StartAsync();
        await using var client = await container.ConnectClientAsync();

        var result = await client.ExecuteAsync("""
            import errno, os
            def try_write(path):
                try:
                    with open(path, 'w') as f:
                        f.write('x')
                    os.remove(path)
                    return 'ok'
                except OSError as e:
                    return errno.errorcode[e.errno]
            print(try_write('/usr/local/x'), try_write('/opt/venv/x'), try_write('/app/x'), try_write('/tmp/x'), try_write(os.path.expanduser('~/x')))
            """);

        Assert.Equal("EROFS EROFS ok ok ok", result.Text);
    }

    [Fact]
    public async Task The_runtime_option_reaches_the_engine()
    {
        await using var container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { Runtime = "runc" });
        Assert.Equal("runc", (await InspectAsync(container)).HostConfig!.Runtime);
    }

    [Fact]
    public async Task A_runtime_the_engine_does_not_know_fails_with_an_error_that_lists_the_ones_it_knows_and_leaves_no_container()
    {
        var options = new ExecutionContainerOptions { Runtime = "no-such-runtime" };
        options.Labels[DockerEngine.TestLabel] = DockerEngine.NewRunId();

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => ExecutionContainer.StartAsync(options));

        Assert.Contains("knows no runtime 'no-such-runtime'", error.Message);
        Assert.Contains("runc", error.Message);
        Assert.Contains("daemon.json", error.Message);
        Assert.Empty(await DockerEngine.ListAsync(DockerEngine.TestLabel, options.Labels[DockerEngine.TestLabel]));
    }

    [Fact]
    public async Task A_cell_that_allocates_beyond_the_memory_limit_dies_with_an_error_that_says_it_was_OOM_killed()
    {
        await using var container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { MemoryLimitBytes = 384 * MiB });
        await using var client = await container.ConnectClientAsync();
        await client.ExecuteAsync("x = 41");

        var died = await Assert.ThrowsAsync<KernelDiedException>(() => client.ExecuteAsync("hog = b'\\x01' * (1024 * 1024 * 1024)"));

        Assert.Contains("OOM-killed", died.Message);
        Assert.Contains("384 MiB", died.Message);
        Assert.Contains("MemoryLimitBytes", died.Message);
        // The container and its server survive; the restarted kernel works, with its state lost.
        var state = await InspectAsync(container);
        Assert.True(state.State!.Running);
        Assert.Equal("True", (await client.ExecuteAsync("print('x' not in globals())")).Text);
    }

    [Fact]
    public async Task An_OOM_killed_kernel_comes_back_to_the_model_as_a_tool_result_that_says_what_to_do()
    {
        var options = new IpyBoxOptions { Container = new ExecutionContainerOptions { MemoryLimitBytes = 384 * MiB } };
        await using var scope = await SessionManagerScope.CreateAsync(options);
        var tools = new SandboxTools(scope.Manager);
        await scope.SessionAsync("oom");

        var result = await tools.ExecuteAsync("oom", "hog = bytearray(b'\\x01') * (1024 * 1024 * 1024)");

        Assert.True(result.IsError);
        Assert.Contains("OOM-killed", result.Text);
        Assert.Contains("Use less memory", result.Text);
        Assert.False((await tools.ExecuteAsync("oom", "print(1 + 1)")).IsError);
    }

    [Fact]
    public async Task A_fork_bomb_is_stopped_by_the_pids_limit_and_a_reset_recovers_the_sandbox()
    {
        var provider = new DockerSandboxProvider(new ExecutionContainerOptions { PidsLimit = 128 });
        await using var sandbox = await provider.CreateAsync();

        // Children forked until the engine refuses (without a limit this runs to 5000); each exits after a while, and the
        // kernel never waits for them, so they stay as zombies holding their pids while the kernel lives.
        var result = await sandbox.ExecuteAsync("""
            import errno, os, time
            children, refused = 0, None
            for _ in range(5000):
                try:
                    pid = os.fork()
                except OSError as e:
                    refused = errno.errorcode[e.errno]
                    break
                if pid == 0:
                    time.sleep(10)
                    os._exit(0)
                children += 1
            print(children < 128, refused)
            """);
        Assert.Equal("True EAGAIN", result.Text);
        await sandbox.ExecuteAsync("import time\ntime.sleep(12)");

        // A reset ends the kernel; the init reaps the zombies it leaves, which frees the pids for the new kernel.
        await sandbox.ResetAsync();
        var after = await sandbox.ExecuteAsync("""
            import os, subprocess
            states = []
            for pid in filter(str.isdigit, os.listdir('/proc')):
                try:
                    states.append(open(f'/proc/{pid}/stat').read().rsplit(') ', 1)[1][0])
                except OSError:
                    pass
            print(len(states) < 50, subprocess.run(['echo', 'fine'], capture_output=True, text=True).stdout.strip(), states.count('Z'))
            """);
        Assert.Equal("True fine 0", after.Text);
    }

    [Fact]
    public async Task Writing_beyond_the_app_limit_fails_with_ENOSPC_in_the_cell_and_the_sandbox_stays_usable()
    {
        await using var container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { AppSizeLimitBytes = 64 * MiB });
        await using var client = await container.ConnectClientAsync();

        var full = await Assert.ThrowsAsync<ExecutionException>(() => client.ExecuteAsync("""
            with open('/app/big.bin', 'wb') as f:
                for _ in range(200):
                    f.write(b'\x01' * (1024 * 1024))
            """));
        Assert.Contains("No space left on device", full.Message);

        // The write stopped at the limit, in /app's own bounded file system; freeing space makes /app usable again.
        var usage = await client.ExecuteAsync("import os\ns = os.statvfs('/app')\nprint(s.f_blocks * s.f_frsize, os.path.getsize('/app/big.bin') <= 64 * 1024 * 1024)");
        Assert.Equal($"{64 * MiB} True", usage.Text);
        await client.ExecuteAsync("import os\nos.remove('/app/big.bin')");
        using var local = new TempDirectory("ipybox-enospc-");
        var file = local.Combine("small.txt");
        await File.WriteAllTextAsync(file, "still works");
        var files = new ResourceClient(container);
        await files.UploadFileAsync(file, "small.txt");
        Assert.Equal("still works", (await client.ExecuteAsync("print(open('/app/small.txt').read())")).Text);
    }

    private static async Task<ContainerInspectResponse> InspectAsync(ExecutionContainer container)
    {
        using var client = DockerEngine.CreateClient();
        return await client.Containers.InspectContainerAsync(container.ContainerId!);
    }
}
