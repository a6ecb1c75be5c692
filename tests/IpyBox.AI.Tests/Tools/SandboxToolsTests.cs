using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests.Tools;

/// <summary>The tool core on a fake sandbox: every outcome and every failure becomes a readable result.</summary>
public sealed class SandboxToolsTests : IAsyncDisposable, IDisposable
{
    private readonly FakeSandboxProvider _provider = new();
    private readonly TempDirectory _root = new("ipybox-tools-");
    private readonly List<SandboxSessionManager> _managers = [];

    private string Allowed => _root.Combine("allowed");

    private string Outside => _root.Combine("outside");

    public async ValueTask DisposeAsync()
    {
        foreach (var manager in _managers)
        {
            await manager.DisposeAsync();
        }
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Output_and_images_come_back_as_text_and_data_content_with_the_default_timeout()
    {
        var tools = Create();
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("plotted", images: 1));

        var result = await tools.ExecuteAsync("k", "plot()");

        Assert.False(result.IsError);
        Assert.Equal("plotted\n[image 1: image/png, 3x2 pixels]", result.Text);
        var image = Assert.IsType<DataContent>(result.Contents[1]);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal("image-1.png", image.Name);
        var sandbox = Assert.Single(_provider.Sandboxes);
        Assert.Equal(new ExecutionClientOptions().DefaultTimeout, tools.DefaultTimeout);
        Assert.Equal(new FakeSubmission("plot()", tools.DefaultTimeout), Assert.Single(sandbox.Submissions));
        Assert.Equal("k", Assert.Single(_provider.Requests).ConversationKey);
    }

    [Fact]
    public async Task Output_is_reported_as_it_streams_and_the_result_carries_the_cell_and_its_exception()
    {
        var tools = Create();
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("step 1\nstep 2\n"));
        var seen = new List<ExecutionEvent>();

        var result = await tools.ExecuteWithOutputAsync("k", "run()", timeout: null, new SynchronousProgress(seen.Add));

        Assert.False(result.IsError);
        Assert.Equal("step 1\nstep 2\n", string.Concat(seen.OfType<StreamOutputEvent>().Select(e => e.Text)));
        Assert.Equal("step 1\nstep 2\n", result.CellResult?.Stdout);
        Assert.Null(result.CellError);

        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Raises("ValueError", "broken", "before\n", "ValueError: broken"));
        seen.Clear();
        var raised = await tools.ExecuteWithOutputAsync("other", "fail()", timeout: null, new SynchronousProgress(seen.Add));

        Assert.True(raised.IsError);
        Assert.Equal("ValueError", raised.CellError?.ErrorName);
        Assert.Equal("before\n", raised.CellResult?.Stdout);
        Assert.Contains(seen, e => e is ExecutionErrorEvent { ErrorName: "ValueError" });

        // Without an observer the same cell still returns its outcome for structured results.
        Assert.Equal("ValueError", (await tools.ExecuteAsync("third", "fail()")).CellError?.ErrorName);
    }

    [Fact]
    public async Task The_default_time_limit_is_the_one_of_the_registered_providers_kernels_not_of_the_options()
    {
        _provider.Services.Add(new ExecutionClientOptions { DefaultTimeout = TimeSpan.FromSeconds(7) });
        var tools = Create(o => o.Client.DefaultTimeout = TimeSpan.FromSeconds(99));
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("ok"));

        await tools.ExecuteAsync("k", "x = 1");

        Assert.Equal(TimeSpan.FromSeconds(7), tools.DefaultTimeout);
        Assert.Equal(new FakeSubmission("x = 1", TimeSpan.FromSeconds(7)), Assert.Single(Assert.Single(_provider.Sandboxes).Submissions));
    }

    [Fact]
    public void Providers_and_their_decorators_hand_out_their_kernels_settings()
    {
        var client = new ExecutionClientOptions { DefaultTimeout = TimeSpan.FromSeconds(5) };
        var container = new ExecutionContainerOptions();
        var docker = new DockerSandboxProvider(container, client);
        var jupyter = new JupyterServerSandboxProvider(new JupyterServerOptions { ServerUri = new Uri("http://127.0.0.1:8888/"), Token = "t", Client = client });
        _provider.Services.Add(client);
        using var pool = new PoolingSandboxProvider(_provider, new WarmPoolOptions { MinWarm = 1, MaxTotal = 1 });

        Assert.Same(client, docker.GetService<ExecutionClientOptions>());
        Assert.Same(container, docker.GetService<ExecutionContainerOptions>());
        Assert.Same(client, jupyter.GetService<ExecutionClientOptions>());
        Assert.Same(client, new OpenTelemetrySandboxProvider(pool).GetService<ExecutionClientOptions>());
    }

    [Fact]
    public async Task Code_without_output_says_so()
    {
        var result = await Create().ExecuteAsync("k", "x = 1");

        Assert.False(result.IsError);
        Assert.Equal("Executed successfully; the code produced no output.", result.Text);
    }

    [Fact]
    public async Task Long_output_is_fitted_to_the_configured_size()
    {
        var tools = Create(o => o.MaxOutputCharacters = 500);
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("HEAD" + new string('x', 5_000) + "TAIL"));

        var text = (await tools.ExecuteAsync("k", "print(...)")).Text;

        Assert.StartsWith("HEAD", text, StringComparison.Ordinal);
        Assert.EndsWith("TAIL", text, StringComparison.Ordinal);
        Assert.Contains("characters truncated", text, StringComparison.Ordinal);
        Assert.True(text.Length < 700, $"length {text.Length}");
    }

    [Fact]
    public async Task A_requested_timeout_is_capped_and_a_non_positive_one_is_refused_before_any_sandbox_exists()
    {
        var tools = Create(o => o.MaxExecutionTimeout = TimeSpan.FromSeconds(30));

        var refused = await tools.ExecuteAsync("k", "1", TimeSpan.Zero);
        Assert.True(refused.IsError);
        Assert.Equal("Error: the timeout must be a positive number of seconds.", refused.Text);
        Assert.Empty(_provider.Sandboxes);

        await tools.ExecuteAsync("k", "1", TimeSpan.FromHours(1));
        await tools.ExecuteAsync("k", "2", TimeSpan.FromSeconds(5));
        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5)], Assert.Single(_provider.Sandboxes).Submissions.Select(s => s.Timeout));
    }

    [Fact]
    public async Task A_python_exception_reads_as_name_output_before_it_and_traceback()
    {
        var tools = Create();
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Raises("ValueError", "broken", "step 1 done\n", "Cell In[1], line 2", "----> 2 fail()", "ValueError: broken"));

        var result = await tools.ExecuteAsync("k", "fail()");

        Assert.True(result.IsError);
        var text = result.Text;
        Assert.StartsWith("Error: the code raised ValueError: broken\n", text, StringComparison.Ordinal);
        Assert.Contains("step 1 done", text, StringComparison.Ordinal);
        Assert.Contains("----> 2 fail()", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("step 1 done", StringComparison.Ordinal) < text.IndexOf("Traceback", StringComparison.Ordinal));
        Assert.EndsWith("variables defined before the error are kept. Fix the code and try again.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_says_the_kernel_was_interrupted_and_kept()
    {
        var tools = Create();
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Fails(new TimeoutException("The execution did not finish within 2 s.")));

        var result = await tools.ExecuteAsync("k", "sleep()", TimeSpan.FromSeconds(2));

        Assert.True(result.IsError);
        Assert.Contains("did not finish within 2 seconds and was interrupted", result.Text, StringComparison.Ordinal);
        Assert.Contains("state (variables, imports) are kept", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Code_with_a_NUL_character_is_refused_with_a_clear_result_and_never_sent()
    {
        var tools = Create();
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("ran"));

        var result = await tools.ExecuteAsync("k", "print('a')\0print('b')");

        Assert.True(result.IsError);
        Assert.StartsWith("Error: the code was not run. The code contains a NUL character", result.Text, StringComparison.Ordinal);
        Assert.All(_provider.Sandboxes, s => Assert.Empty(s.Submissions));
    }

    [Fact]
    public async Task A_kernel_restarted_after_an_ignored_interrupt_says_that_all_state_is_lost()
    {
        var tools = Create();
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Fails(
            new ExecutionTimeoutException("restarted", kernelRestarted: true, new ExecutionTimeoutException("The execution did not finish within 2 s."))));

        var result = await tools.ExecuteAsync("k", "ignore_sigint()", TimeSpan.FromSeconds(2));

        Assert.True(result.IsError);
        Assert.Contains("was still running after the interrupt", result.Text, StringComparison.Ordinal);
        Assert.Contains("kernel was restarted. ALL kernel state is lost", result.Text, StringComparison.Ordinal);
        Assert.Single(_provider.Sandboxes);
    }

    [Fact]
    public async Task A_dead_kernel_is_reported_and_the_sandbox_is_kept()
    {
        var tools = Create();
        var calls = 0;
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => ++calls == 1
            ? FakeCells.Fails(new KernelDiedException("The kernel died and was restarted; its state is lost."))
            : FakeCells.Prints("alive"));

        var died = await tools.ExecuteAsync("k", "os._exit(1)");
        var after = await tools.ExecuteAsync("k", "print('alive')");

        Assert.True(died.IsError);
        Assert.StartsWith("Error: the Python kernel died while running the code", died.Text, StringComparison.Ordinal);
        Assert.Contains("its state is lost", died.Text, StringComparison.Ordinal);
        Assert.Equal("alive", after.Text);
        Assert.Single(_provider.Sandboxes);
    }

    [Fact]
    public async Task A_lost_sandbox_is_discarded_and_the_next_call_gets_a_new_one()
    {
        var tools = Create();
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => s.Id == "fake-1"
            ? FakeCells.Fails(new SandboxUnavailableException("The connection to the kernel was lost."))
            : FakeCells.Prints("fresh"));

        var lost = await tools.ExecuteAsync("k", "x");
        var fresh = await tools.ExecuteAsync("k", "x");

        Assert.True(lost.IsError);
        Assert.Equal(
            "Error: the sandbox stopped or could not be reached (The connection to the kernel was lost.). A new sandbox will be created on the next call; variables and files of the old one are gone.",
            lost.Text);
        Assert.Equal("fresh", fresh.Text);
        Assert.Equal(["fake-1", "fake-2"], _provider.Sandboxes.Select(s => s.Id));
        Assert.True(_provider.Sandboxes[0].IsDisposed);
        Assert.Equal("fake-2", Assert.Single(tools.Sessions.Sessions).SandboxId);
    }

    [Fact]
    public async Task A_failed_reset_discards_the_sandbox()
    {
        var tools = Create();
        _provider.ConfigureSandbox = s => s.OnReset = _ => throw new SandboxUnavailableException("A new kernel could not be started.");

        var result = await tools.ResetAsync("k");

        Assert.True(result.IsError);
        Assert.StartsWith("Error: the sandbox stopped or could not be reached (A new kernel could not be started.)", result.Text, StringComparison.Ordinal);
        Assert.Equal(0, tools.Sessions.Count);
    }

    [Fact]
    public async Task Reset_confirms_what_is_kept()
    {
        var tools = Create();

        var result = await tools.ResetAsync("k");

        Assert.False(result.IsError);
        Assert.StartsWith("The kernel was restarted", result.Text, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(_provider.Sandboxes).ResetCount);
    }

    [Fact]
    public async Task The_session_cap_is_reported_with_how_to_fix_it()
    {
        var tools = Create(o =>
        {
            o.MaxSessions = 1;
            o.SessionLimitBehavior = SessionLimitBehavior.Reject;
        });
        await tools.ExecuteAsync("first", "1");

        var result = await tools.ListFilesAsync("second");

        Assert.True(result.IsError);
        Assert.StartsWith("Error: Cannot create a sandbox for conversation 'second'", result.Text, StringComparison.Ordinal);
        Assert.Contains("MaxSessions", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sandbox_that_cannot_start_is_reported_and_the_next_call_tries_again()
    {
        var tools = Create();
        var attempts = 0;
        _provider.OnCreate = (_, _) => ++attempts == 1
            ? throw new DockerUnavailableException("No Docker engine answers at unix:///var/run/docker.sock.\nStart Docker.")
            : Task.CompletedTask;

        var failed = await tools.ExecuteAsync("k", "1");
        var retried = await tools.ExecuteAsync("k", "1");

        Assert.True(failed.IsError);
        Assert.Equal("Error: starting the sandbox failed: No Docker engine answers at unix:///var/run/docker.sock.", failed.Text);
        Assert.False(retried.IsError);
    }

    [Fact]
    public async Task A_call_without_a_conversation_says_how_to_give_one()
    {
        var result = await Create().ExecuteAsync(conversationKey: null, "1");

        Assert.True(result.IsError);
        Assert.Contains("IpyBoxConversation.Begin", result.Text, StringComparison.Ordinal);
        Assert.Empty(_provider.Sandboxes);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_propagates()
    {
        var tools = Create();
        _provider.OnCreate = (_, ct) => Task.Delay(Timeout.InfiniteTimeSpan, ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tools.ExecuteAsync("k", "1", cancellationToken: cancelled.Token));
    }

    [Fact]
    public async Task Host_paths_are_authorised_before_any_sandbox_exists()
    {
        Directory.CreateDirectory(Outside);
        await File.WriteAllTextAsync(Path.Combine(Outside, "secret.txt"), "secret");
        var tools = Create(o => o.AllowedHostDirectories.Add(Allowed));

        var results = new[]
        {
            await tools.UploadAsync("k", Path.Combine(Outside, "secret.txt"), "secret.txt"),
            await tools.UploadAsync("k", Path.Combine(Allowed, "..", "outside", "secret.txt"), "secret.txt"),
            await tools.DownloadFileAsync("k", "x.txt", Path.Combine(Outside, "x.txt")),
        };

        Assert.All(results, r =>
        {
            Assert.True(r.IsError);
            Assert.StartsWith("Error: Access denied: The host path", r.Text, StringComparison.Ordinal);
            Assert.Contains("outside the allowed directories", r.Text, StringComparison.Ordinal);
        });
        Assert.Empty(_provider.Sandboxes);

        var none = Create(configure: null, new FakeSandboxProvider());
        var closed = await none.UploadAsync("k", Path.Combine(Allowed, "x.txt"), "x.txt");
        Assert.True(closed.IsError);
        Assert.Contains("No host directory is allowed", closed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sandbox_paths_that_leave_app_are_refused()
    {
        var tools = Create(o => o.AllowedHostDirectories.Add(Allowed));

        Assert.Contains("escapes /app", (await tools.DownloadFileAsync("k", "../etc/passwd", Path.Combine(Allowed, "p"))).Text, StringComparison.Ordinal);
        Assert.Contains("absolute", (await tools.UploadAsync("k", Allowed, "/etc")).Text, StringComparison.Ordinal);
        Assert.Contains("escapes /app", (await tools.ListFilesAsync("k", "../..")).Text, StringComparison.Ordinal);
        Assert.Empty(_provider.Sandboxes);
    }

    [Fact]
    public async Task Files_move_both_ways_and_are_listed()
    {
        Directory.CreateDirectory(Allowed);
        await File.WriteAllTextAsync(Path.Combine(Allowed, "in.csv"), "n\n1\n");
        var tools = Create(o => o.AllowedHostDirectories.Add(Allowed));
        _provider.ConfigureSandbox = s =>
        {
            s.Files.OnList = path => path == "data" ? [new RemoteFileInfo("in.csv", "data/in.csv", 4, RemoteFileKind.File, DateTimeOffset.UnixEpoch)] : [];
            s.Files.OnCall = (call, ct) => call.Operation == nameof(ISandboxFiles.DownloadFileAsync)
                ? WriteAsync(call.LocalPath!, "n\n1\n", ct)
                : Task.CompletedTask;
        };

        var uploaded = await tools.UploadAsync("k", Path.Combine(Allowed, "in.csv"), "data/./in.csv");
        var listing = await tools.ListFilesAsync("k", "data/");
        var downloaded = await tools.DownloadFileAsync("k", "data/in.csv", Path.Combine(Allowed, "out", "copy.csv"));

        Assert.Equal($"Uploaded {Path.Combine(Allowed, "in.csv")} (4 bytes) to /app/data/in.csv.", uploaded.Text);
        Assert.Equal("Contents of /app/data:\nin.csv  (4 bytes)", listing.Text);
        Assert.Equal($"Downloaded /app/data/in.csv to {Path.Combine(Allowed, "out", "copy.csv")} (4 bytes).", downloaded.Text);
        Assert.Equal(
            [
                new FakeFileCall(nameof(ISandboxFiles.UploadFileAsync), "data/in.csv", Path.Combine(Allowed, "in.csv")),
                new FakeFileCall(nameof(ISandboxFiles.ListAsync), "data", null),
                new FakeFileCall(nameof(ISandboxFiles.DownloadFileAsync), "data/in.csv", Path.Combine(Allowed, "out", "copy.csv")),
            ],
            Assert.Single(_provider.Sandboxes).Files.Calls);

        static async Task WriteAsync(string path, string text, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, text, cancellationToken);
        }
    }

    [Fact]
    public async Task A_directory_is_uploaded_as_a_directory()
    {
        var source = _root.CreateDirectory("allowed", "data");
        var tools = Create(o => o.AllowedHostDirectories.Add(Allowed));

        var result = await tools.UploadAsync("k", source, "");

        Assert.Equal($"Uploaded the directory {source} to /app.", result.Text);
        Assert.Equal(new FakeFileCall(nameof(ISandboxFiles.UploadDirectoryAsync), "", source), Assert.Single(Assert.Single(_provider.Sandboxes).Files.Calls));
    }

    [Fact]
    public async Task A_file_error_is_reported_and_the_sandbox_is_kept()
    {
        var tools = Create(o => o.AllowedHostDirectories.Add(Allowed));
        _provider.ConfigureSandbox = s => s.Files.OnCall = (_, _) => throw new IOException("/app/data is not a directory.");

        var result = await tools.DownloadFileAsync("k", "data/x.txt", Path.Combine(Allowed, "x.txt"));
        var missing = await tools.ListFilesAsync("k", "data");

        Assert.True(result.IsError);
        Assert.Equal("Error: download file failed: /app/data is not a directory.", result.Text);
        Assert.Equal("Error: list files failed: /app/data is not a directory.", missing.Text);
        Assert.Single(_provider.Sandboxes);
        Assert.Equal(1, tools.Sessions.Count);
    }

    [Fact]
    public async Task Packages_are_installed_with_one_pip_cell_that_carries_the_names_encoded()
    {
        var tools = Create();
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("Successfully installed demo-1.0"));

        var result = await tools.InstallPackagesAsync("k", [" demo==1.0 ", "./x\"); import os; #.whl"]);

        Assert.False(result.IsError);
        Assert.StartsWith("Installed demo==1.0 ./x\"); import os; #.whl.\nSuccessfully installed demo-1.0", result.Text, StringComparison.Ordinal);
        var (code, timeout) = Assert.Single(Assert.Single(_provider.Sandboxes).Submissions);
        Assert.Contains("\"-m\", \"pip\", \"install\"", code, StringComparison.Ordinal);
        Assert.DoesNotContain("import os", code, StringComparison.Ordinal);
        Assert.Equal(tools.Sessions.Options.PackageInstallTimeout, timeout);
    }

    [Fact]
    public async Task A_pip_failure_and_pip_options_are_errors()
    {
        var tools = Create();
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Raises("RuntimeError", "pip install exited with code 1", "ERROR: No matching distribution found for nothing-here\n"));

        var failed = await tools.InstallPackagesAsync("k", ["nothing-here"]);
        var option = await tools.InstallPackagesAsync("k", ["--index-url=http://127.0.0.1:9/simple", "x"]);
        var empty = await tools.InstallPackagesAsync("k", [" "]);

        Assert.True(failed.IsError);
        Assert.StartsWith("Error: installing nothing-here failed (pip install exited with code 1).", failed.Text, StringComparison.Ordinal);
        Assert.Contains("No matching distribution", failed.Text, StringComparison.Ordinal);
        Assert.True(option.IsError);
        Assert.StartsWith("Error: '--index-url=http://127.0.0.1:9/simple' is a pip option", option.Text, StringComparison.Ordinal);
        Assert.True(empty.IsError);
        Assert.StartsWith("Error: no package was given", empty.Text, StringComparison.Ordinal);
        Assert.Single(Assert.Single(_provider.Sandboxes).Submissions);
    }

    private SandboxTools Create(Action<IpyBoxOptions>? configure = null) => Create(configure, _provider);

    private SandboxTools Create(Action<IpyBoxOptions>? configure, FakeSandboxProvider provider)
    {
        var options = new IpyBoxOptions();
        configure?.Invoke(options);
        var sessions = new SandboxSessionManager(provider, options);
        _managers.Add(sessions);
        return new SandboxTools(sessions);
    }

    /// <summary>Hands every report to an action at once, on the reporting thread (unlike <see cref="Progress{T}"/>).</summary>
    private sealed class SynchronousProgress(Action<ExecutionEvent> report) : IProgress<ExecutionEvent>
    {
        public void Report(ExecutionEvent value) => report(value);
    }
}
