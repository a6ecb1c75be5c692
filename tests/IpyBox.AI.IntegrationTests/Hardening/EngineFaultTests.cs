using Microsoft.Extensions.Logging;

namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// The engine goes away and comes back: a TCP proxy in front of the engine's TCP socket stands for the engine, so it can be
/// stopped and started for this test's clients only.
/// </summary>
public sealed class EngineFaultTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();
    private TcpProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync(new Uri("tcp://127.0.0.1:2375"));
        _proxy = TcpProxy.StartForEngine();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await DockerEngine.RemoveAllAsync(_runId);
    }

    private ExecutionContainerOptions Options()
    {
        var options = new ExecutionContainerOptions { DockerEndpoint = _proxy.Endpoint };
        options.Labels[DockerEngine.TestLabel] = _runId;
        return options;
    }

    [Fact]
    public async Task Dispose_with_the_engine_unreachable_does_not_throw_and_a_second_dispose_once_it_is_back_removes_the_container()
    {
        var container = await ExecutionContainer.StartAsync(Options());
        var id = container.ContainerId!;
        await _proxy.StopAsync();

        await container.DisposeAsync();
        Assert.True(await DockerEngine.ContainerExistsAsync(id));

        _proxy.Start();
        await container.DisposeAsync();
        Assert.False(await DockerEngine.ContainerExistsAsync(id));
    }

    [Fact]
    public async Task A_dispose_that_meets_a_short_engine_outage_removes_the_container_once_the_engine_is_back()
    {
        var logs = new ListLoggerProvider();
        using var loggers = new LoggerFactory([logs]);
        var container = await ExecutionContainer.StartAsync(Options(), loggers);
        var id = container.ContainerId!;
        await _proxy.StopAsync();

        // The engine is back after the first removal failed: the dispose is still under way and removes the container.
        var disposing = container.DisposeAsync().AsTask();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!logs.Entries.Any(e => e.Message.Contains("trying again", StringComparison.Ordinal)) && !disposing.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dispose neither tried again nor ended");
            await Task.Delay(50);
        }

        _proxy.Start();
        await disposing;

        Assert.False(await DockerEngine.ContainerExistsAsync(id));
    }

    [Fact]
    public async Task A_creation_whose_answer_is_lost_fails_and_leaves_no_container()
    {
        _proxy.LoseNextAnswerTo("/containers/create");

        await Assert.ThrowsAsync<DockerUnavailableException>(() => ExecutionContainer.StartAsync(Options()));

        Assert.Empty(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
    }

    [Fact]
    public async Task A_creation_that_reaches_the_engine_only_after_its_failure_was_reported_leaves_no_container_or_volume()
    {
        var options = Options();
        options.UnansweredCreationWatch = TimeSpan.FromSeconds(3);
        _proxy.HoldNextRequestTo("/containers/create");

        // The client's connection is cut once the request is whole; the engine has not seen it when the library looks.
        await Assert.ThrowsAsync<DockerUnavailableException>(() => ExecutionContainer.StartAsync(options));
        var answer = await _proxy.DeliverHeldRequestAsync();

        // The late request finds the name taken and creates nothing (409); what held the name goes when the watch ends.
        Assert.StartsWith("HTTP/1.1 409", answer, StringComparison.Ordinal);
        Assert.Empty(await DockerEngine.WaitForAsync(_runId, present: false, TimeSpan.FromMinutes(1)));
        Assert.Empty(await DockerEngine.ListVolumesAsync(DockerEngine.TestLabel, _runId));
    }

    [Fact]
    public async Task A_pause_the_runtime_could_not_freeze_at_first_is_tried_again_and_the_sandbox_ends_up_paused()
    {
        // The runtime's answer when a process of the sandbox does not stop in time (forking, or busy in the kernel, on a loaded machine).
        var provider = new DockerSandboxProvider(Options());
        await using var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = TimeSpan.FromMinutes(10) });
        await sandbox.ExecuteAsync("kept = 42");
        _proxy.AnswerNextRequestsWith(
            "/pause ",
            2,
            TcpProxy.JsonAnswer(500, "Internal Server Error", $$"""{"message":"Cannot pause container {{sandbox.Id}}: OCI runtime pause failed: unable to freeze: unknown"}"""));

        await provider.Directory.PauseAsync(sandbox.Id);

        Assert.Equal(SandboxState.Paused, (await provider.Directory.FindAsync(sandbox.Id))!.State);
        await provider.Directory.ResumeAsync(sandbox.Id);
        Assert.Equal("42", (await sandbox.ExecuteAsync("print(kept)")).Text);
        await provider.Directory.DeleteAsync(sandbox.Id);
    }

    [Fact]
    public async Task Engine_calls_with_the_engine_unreachable_throw_DockerUnavailableException()
    {
        await using var container = await ExecutionContainer.StartAsync(Options());
        await _proxy.StopAsync();
        var files = new ResourceClient(container);
        var filter = new ManagedContainerFilter { DockerEndpoint = _proxy.Endpoint };

        await Assert.ThrowsAsync<DockerUnavailableException>(() => container.KillAsync());
        await Assert.ThrowsAsync<DockerUnavailableException>(() => ManagedContainers.ListAsync(filter));
        await Assert.ThrowsAsync<DockerUnavailableException>(() => ManagedContainers.RemoveAsync(filter));
        await Assert.ThrowsAsync<DockerUnavailableException>(() => files.ListAsync());
        await Assert.ThrowsAsync<DockerUnavailableException>(() => files.DownloadDirectoryAsync("", Path.Combine(Path.GetTempPath(), _runId)));
        await Assert.ThrowsAsync<DockerUnavailableException>(() => new ExecutionContainer(Options()).RunAsync());
        _proxy.Start();
    }

    [Fact]
    public async Task After_the_engine_comes_back_new_sandboxes_start_and_the_running_one_kept_working()
    {
        var provider = new DockerSandboxProvider(Options());
        await using var sandbox = await provider.CreateAsync();
        await _proxy.StopAsync();

        // The kernel is reached on its published port, not through the engine: executions go on.
        Assert.Equal("2", (await sandbox.ExecuteAsync("print(1 + 1)")).Text);
        await Assert.ThrowsAsync<DockerUnavailableException>(() => provider.CreateAsync());

        _proxy.Start();
        await using var second = await provider.CreateAsync();
        Assert.Equal("3", (await second.ExecuteAsync("print(1 + 2)")).Text);
    }

    [Fact]
    public async Task File_calls_on_a_removed_container_throw_SandboxUnavailableException()
    {
        await using var container = await ExecutionContainer.StartAsync(Options());
        var files = new ResourceClient(container);
        using var local = new TempDirectory("ipybox-removed-");
        var file = local.Combine("a.txt");
        await File.WriteAllTextAsync(file, "a");
        using (var engine = DockerEngine.CreateClient())
        {
            await engine.Containers.RemoveContainerAsync(container.ContainerId!, new Docker.DotNet.Models.ContainerRemoveParameters { Force = true, RemoveVolumes = true });
        }

        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => files.UploadFileAsync(file, "a.txt"));
        Assert.Contains("no longer exists", error.Message);
        await Assert.ThrowsAsync<SandboxUnavailableException>(() => files.DownloadFileAsync("a.txt", local.Combine("b.txt")));
        await Assert.ThrowsAsync<SandboxUnavailableException>(() => files.DownloadDirectoryAsync("", local.Combine("tree")));
        await Assert.ThrowsAsync<SandboxUnavailableException>(() => files.ListAsync());
        await Assert.ThrowsAsync<SandboxUnavailableException>(() => files.DeleteFileAsync("a.txt"));
    }
}
