namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// The image starts a sandbox's first kernel together with its server, and the server adopts it for the first kernel a
/// client asks for. That kernel must behave as any other: one process per kernel, interrupts that reach what it
/// started, restarts under the same connection.
/// </summary>
public sealed class EarlyKernelTests : IAsyncLifetime
{
    private const string EarlyConnectionFile = "/tmp/ipybox-early-kernel/kernel.json";
    private const string ConnectionFileCode = "import ipykernel.kernelapp\nprint(ipykernel.kernelapp.IPKernelApp.instance().connection_file)";
    private const string KernelProcessesCode = "print(count_processes(b'kernel_launcher.py'))";
    private const string CountProcessesDefinition =
        "import os\n" +
        "def count_processes(token):\n" +
        "    def cmdline(pid):\n" +
        "        try:\n" +
        "            with open(f'/proc/{pid}/cmdline', 'rb') as f:\n" +
        "                return f.read()\n" +
        "        except OSError:\n" +
        "            return b''\n" +
        "    return sum(token in cmdline(p) for p in os.listdir('/proc') if p.isdigit())";

    private ExecutionContainer _container = null!;

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        _container = await ExecutionContainer.StartAsync();
    }

    public async Task DisposeAsync() => await _container.DisposeAsync();

    [Fact]
    public async Task The_first_kernel_is_the_one_started_with_the_container_and_each_kernel_is_one_process()
    {
        await using var first = await _container.ConnectClientAsync();
        await first.ExecuteAsync(CountProcessesDefinition);
        Assert.Equal(EarlyConnectionFile, (await first.ExecuteAsync(ConnectionFileCode)).Text);
        Assert.Equal("1", (await first.ExecuteAsync(KernelProcessesCode)).Text);

        await using var second = await _container.ConnectClientAsync();
        await second.ExecuteAsync(CountProcessesDefinition);
        Assert.NotEqual(EarlyConnectionFile, (await second.ExecuteAsync(ConnectionFileCode)).Text);
        Assert.Equal("2", (await second.ExecuteAsync(KernelProcessesCode)).Text);
    }

    [Fact]
    public async Task An_interrupt_reaches_the_early_kernel_s_whole_process_group_and_only_it()
    {
        await using var client = await _container.ConnectClientAsync();
        await client.ExecuteAsync(CountProcessesDefinition);
        Assert.Equal("True", (await client.ExecuteAsync("print(os.getsid(0) == os.getpgid(0) == os.getpid())")).Text);

        // os.system ignores SIGINT in the kernel while it waits: only an interrupt sent to the kernel's process group
        // stops the shell and its sleep, so the cell ends within the grace period instead of forcing a restart.
        await Assert.ThrowsAsync<ExecutionTimeoutException>(() => client.ExecuteAsync("os.system('sleep 300')", TimeSpan.FromSeconds(2)));

        Assert.Equal("0", (await client.ExecuteAsync("print(count_processes(b'sleep\\x00300'))")).Text);
        Assert.Equal(EarlyConnectionFile, (await client.ExecuteAsync(ConnectionFileCode)).Text);
        await using var another = await _container.ConnectClientAsync(); // the server was not interrupted with it
        Assert.Equal("2", (await another.ExecuteAsync("print(1 + 1)")).Text);
    }

    [Fact]
    public async Task A_restart_of_the_early_kernel_replaces_it_under_the_same_connection()
    {
        await using var client = await _container.ConnectClientAsync();
        await client.ExecuteAsync("before_restart = 1");

        await client.RestartAsync();

        Assert.Equal("False", (await client.ExecuteAsync("print('before_restart' in globals())")).Text);
        await client.ExecuteAsync(CountProcessesDefinition);
        Assert.NotEqual(EarlyConnectionFile, (await client.ExecuteAsync(ConnectionFileCode)).Text);
        Assert.Equal("1", (await client.ExecuteAsync(KernelProcessesCode)).Text);
    }
}
