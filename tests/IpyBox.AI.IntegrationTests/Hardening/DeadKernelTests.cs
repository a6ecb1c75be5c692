namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// A cell makes every kernel that starts after it die at once, until the server gives up restarting it (its restarts are
/// counted and capped): the sandbox is still alive, so its next call gets a new kernel and says that the state was lost.
/// </summary>
public sealed class DeadKernelTests : IAsyncLifetime
{
    // Run by every kernel at its start: the first five die, as the server restarts them, then kernels live again.
    private const string KillEveryNewKernel = """
        import os
        from IPython.paths import get_ipython_dir
        startup = os.path.join(get_ipython_dir(), 'profile_default', 'startup')
        os.makedirs(startup, exist_ok=True)
        with open(os.path.join(startup, '00-die.py'), 'w') as f:
            f.write("import os\np = '/app/deaths'\nn = int(open(p).read()) if os.path.exists(p) else 0\nif n < 5:\n    open(p, 'w').write(str(n + 1))\n    os._exit(1)\n")
        os._exit(1)
        """;

    // Run by every kernel at its start: the first one the server starts after the cell's crash hangs, later ones start.
    private const string HangTheNextKernel = """
        import os
        from IPython.paths import get_ipython_dir
        startup = os.path.join(get_ipython_dir(), 'profile_default', 'startup')
        os.makedirs(startup, exist_ok=True)
        with open(os.path.join(startup, '00-hang.py'), 'w') as f:
            f.write("import os, time\np = '/app/hung'\nif not os.path.exists(p):\n    open(p, 'w').close()\n    time.sleep(3600)\n")
        os._exit(1)
        """;

    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => DockerEngine.RemoveAllAsync(_runId);

    [Fact]
    public async Task A_kernel_the_server_gave_up_on_is_replaced_at_the_next_call_with_a_notice()
    {
        var options = new ExecutionContainerOptions();
        options.Labels[DockerEngine.TestLabel] = _runId;
        await using var sandbox = await new DockerSandboxProvider(options).CreateAsync();

        await Assert.ThrowsAsync<KernelDiedException>(() => sandbox.ExecuteAsync(KillEveryNewKernel));

        // While the server restarts the kernel (each restart dies), calls fail; once it gives up, the next call gets a new kernel.
        ExecutionResult? back = null;
        var errors = new List<string>();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (back is null && DateTime.UtcNow < deadline)
        {
            try
            {
                back = await sandbox.ExecuteAsync("print(open('/app/deaths').read())", TimeSpan.FromSeconds(30));
            }
            catch (Exception ex) when (ex is KernelDiedException or TimeoutException)
            {
                errors.Add(ex.Message);
                await Task.Delay(1000);
            }
        }

        Assert.True(back is not null, "no call succeeded; errors: " + string.Join(" | ", errors));
        Assert.Equal("5", back.Text);
        Assert.Equal(ResettableKernel.DeadKernelReplacedNotice, back.Notice);
        Assert.Null((await sandbox.ExecuteAsync("print('again')")).Notice);
    }

    [Fact]
    public async Task A_call_after_a_crash_whose_restarted_kernel_never_answers_gets_a_new_kernel_with_a_notice()
    {
        var options = new ExecutionContainerOptions();
        options.Labels[DockerEngine.TestLabel] = _runId;
        var clientOptions = new ExecutionClientOptions { ConnectTimeout = TimeSpan.FromSeconds(20) };
        await using var sandbox = await new DockerSandboxProvider(options, clientOptions).CreateAsync();

        await Assert.ThrowsAsync<KernelDiedException>(() => sandbox.ExecuteAsync(HangTheNextKernel));

        // The server's new kernel hangs in its start: the call waits for it, then runs on a kernel of its own.
        var back = await sandbox.ExecuteAsync("import os\nprint(os.path.exists('/app/hung'))");
        Assert.Equal("True", back.Text);
        Assert.Equal(ResettableKernel.DeadKernelReplacedNotice, back.Notice);
        Assert.Null((await sandbox.ExecuteAsync("print('again')")).Notice);
    }
}
