using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// What every backend must do the same way, run against each provider by a concrete subclass, so the backends cannot drift.
/// The tests use only <see cref="ISandboxProvider"/> and <see cref="ISandbox"/>.
/// </summary>
public abstract class SandboxBehaviorTests<TFixture> : IClassFixture<TFixture>, IDisposable
    where TFixture : SandboxProviderFixture
{
    // The inline backend crops figures to their content by default; without it the pixel size is figsize * dpi.
    private const string NoTightBoundingBox = "%config InlineBackend.print_figure_kwargs = {'bbox_inches': None}\n";

    private readonly TempDirectory _host = new("ipybox-behavior-");
    private readonly string _remote = "behavior-" + Guid.NewGuid().ToString("N")[..8];

    protected SandboxBehaviorTests(TFixture fixture)
    {
        Fixture = fixture;
    }

    protected TFixture Fixture { get; }

    private ISandbox Sandbox => Fixture.Sandbox;

    private ISandboxFiles Files => Fixture.Sandbox.Files;

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }

    private string HostPath(params string[] parts) => _host.Combine(parts);

    [Fact]
    public async Task State_is_kept_across_executions()
    {
        await Sandbox.ExecuteAsync("kept_value = 41\ndef kept_function(x):\n    return x + 1");
        var result = await Sandbox.ExecuteAsync("print(kept_function(kept_value))");
        Assert.Equal("42", result.Text);
    }

    [Fact]
    public async Task Two_sandboxes_have_separate_kernels()
    {
        await Sandbox.ExecuteAsync("only_in_the_first = 1");
        await using var other = await Fixture.Provider.CreateAsync();
        Assert.NotEqual(Sandbox.Id, other.Id);

        var error = await Assert.ThrowsAsync<ExecutionException>(() => other.ExecuteAsync("print(only_in_the_first)"));
        Assert.Equal("NameError", error.ErrorName);
        await other.ExecuteAsync("only_in_the_second = 2");
        var back = await Assert.ThrowsAsync<ExecutionException>(() => Sandbox.ExecuteAsync("print(only_in_the_second)"));
        Assert.Equal("NameError", back.ErrorName);
    }

    [Fact]
    public async Task Output_streams_in_chunks_before_the_execution_ends()
    {
        var execution = await Sandbox.SubmitAsync("import time\nfor i in range(4):\n    print(f'step {i}', flush=True)\n    time.sleep(0.5)");
        var chunks = new List<(string Text, bool Done)>();
        await foreach (var chunk in execution.StreamAsync())
        {
            chunks.Add((chunk, execution.IsCompleted));
        }

        Assert.True(chunks.Count >= 2, $"expected several chunks, got {chunks.Count}");
        Assert.False(chunks[0].Done, "the first chunk must arrive before the execution ends");
        Assert.Equal("step 0\nstep 1\nstep 2\nstep 3\n", string.Concat(chunks.Select(c => c.Text)));
        Assert.Equal("step 0\nstep 1\nstep 2\nstep 3", (await execution.GetResultAsync()).Text);
    }

    [Fact]
    public async Task A_recorded_session_exports_a_notebook_that_nbformat_validates()
    {
        // Imported unrecorded first, so that a first-import notice on stderr cannot change the recorded outputs.
        await Sandbox.ExecuteAsync("import matplotlib.pyplot");

        // The fixture owns the sandbox: the recording wrapper is not disposed.
        var recorded = Sandbox.WithNotebookRecording();
        await recorded.ExecuteAsync("import sys\nprint('hello')\nprint('careful', file=sys.stderr)");
        await recorded.ExecuteAsync("import matplotlib.pyplot as plt\nplt.figure(figsize=(2, 1), dpi=100); plt.plot([1, 2]); plt.show()");
        await recorded.ExecuteAsync("from IPython.display import display, HTML, Markdown, JSON\ndisplay(HTML('<b>bold</b>'), Markdown('*md*'), JSON({'a': [1, 2]}))\n6 * 7");
        await Assert.ThrowsAsync<ExecutionException>(() => recorded.ExecuteAsync("raise ValueError('bad')"));

        var local = HostPath("session.ipynb");
        await using (var file = File.Create(local))
        {
            await recorded.ExportNotebookAsync(file);
        }

        await Files.UploadFileAsync(local, $"{_remote}/session.ipynb");
        var check = await Sandbox.ExecuteAsync($$"""
            import base64, nbformat
            nb = nbformat.read('{{_remote}}/session.ipynb', as_version=4)
            nbformat.validate(nb)
            print(nb.nbformat, nb.nbformat_minor, len(nb.cells))
            print([[o.output_type for o in c.outputs] for c in nb.cells])
            print([c.execution_count is not None for c in nb.cells])
            print(base64.b64decode(nb.cells[1].outputs[0].data['image/png'])[:4])
            print(sorted(nb.cells[2].outputs[0].data), nb.cells[2].outputs[-1].data['text/plain'], nb.cells[3].outputs[0].ename)
            """);

        Assert.Equal(
            [
                "4 5 4",
                "[['stream', 'stream'], ['display_data'], ['display_data', 'display_data', 'display_data', 'execute_result'], ['error']]",
                "[True, True, True, True]",
                "b'\\x89PNG'",
                "['text/html', 'text/plain'] 42 ValueError",
            ],
            check.Text!.Split('\n'));
    }

    [Fact]
    public async Task A_plot_comes_back_as_png_with_its_pixel_size()
    {
        var result = await Sandbox.ExecuteAsync(
            NoTightBoundingBox + "import matplotlib.pyplot as plt\nimport numpy as np\n" +
            "fig = plt.figure(figsize=(4, 3), dpi=100)\nx = np.linspace(0, 6.28, 100)\nplt.plot(x, np.sin(x))\nplt.show()\nprint('plotted')");

        var image = Assert.Single(result.Images);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal((400, 300), (image.Width, image.Height));
        Assert.Equal((400, 300), Png.Size(image.Data.Span));
        Assert.Equal("plotted", result.Text);
    }

    [Fact]
    public async Task A_python_error_gives_name_value_and_plain_trace()
    {
        var error = await Assert.ThrowsAsync<ExecutionException>(() => Sandbox.ExecuteAsync("def f():\n    return 1 / 0\nf()"));
        Assert.Equal("ZeroDivisionError: division by zero", error.Message);
        Assert.Equal("ZeroDivisionError", error.ErrorName);
        Assert.Equal("division by zero", error.ErrorValue);
        Assert.Contains("return 1 / 0", error.Trace);
        Assert.False(error.Trace.Contains('\u001b', StringComparison.Ordinal), "the trace must carry no ANSI escape codes");
        Assert.Equal("still usable", (await Sandbox.ExecuteAsync("print('still usable')")).Text);
    }

    [Fact]
    public async Task A_timeout_interrupts_the_kernel_and_keeps_its_state()
    {
        var error = await Assert.ThrowsAsync<ExecutionTimeoutException>(() => Sandbox.ExecuteAsync("before_timeout = 5\nwhile True:\n    pass", TimeSpan.FromSeconds(1)));
        Assert.Contains("interrupted", error.Message);
        Assert.Equal("5", (await Sandbox.ExecuteAsync("print(before_timeout)")).Text);
    }

    [Fact]
    public async Task Cancellation_interrupts_the_kernel_and_keeps_its_state()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Sandbox.ExecuteAsync("before_cancel = 6\nimport time\nwhile True:\n    time.sleep(0.01)", cancellationToken: cancellation.Token));
        Assert.Equal("6", (await Sandbox.ExecuteAsync("print(before_cancel)")).Text);
    }

    [Fact]
    public async Task Input_in_a_cell_reaches_a_message_handler_and_its_reply_comes_back()
    {
        var prompts = new List<string>();
        using (Sandbox.AddMessageHandler(new InputReplies(prompts, "from the host")))
        {
            var result = await Sandbox.ExecuteAsync("answer = input('question? ')\nprint(answer.upper())");
            Assert.Equal("FROM THE HOST", result.Text);
        }

        Assert.Equal(["question? "], prompts);
    }

    [Fact]
    public async Task Reset_clears_variables_and_keeps_files()
    {
        await using var sandbox = await Fixture.Provider.CreateAsync();
        await sandbox.ExecuteAsync($"forgotten = 1\nimport os\nos.makedirs('{_remote}', exist_ok=True)\nopen('{_remote}/kept.txt', 'w').write('kept')");

        await sandbox.ResetAsync();

        var error = await Assert.ThrowsAsync<ExecutionException>(() => sandbox.ExecuteAsync("print(forgotten)"));
        Assert.Equal("NameError", error.ErrorName);
        Assert.Equal("kept", (await sandbox.ExecuteAsync($"print(open('{_remote}/kept.txt').read())")).Text);
        Assert.Contains(await sandbox.Files.ListAsync(_remote), e => e.Name == "kept.txt" && e.Size == 4);
    }

    [Fact]
    public async Task A_live_sandbox_passes_its_health_check_and_a_disposed_one_fails_it()
    {
        var sandbox = await Fixture.Provider.CreateAsync();
        var check = sandbox.GetService<ISandboxHealthCheck>();
        Assert.NotNull(check);
        await check.CheckHealthAsync();

        await sandbox.DisposeAsync();

        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => check.CheckHealthAsync());
        Assert.Contains(sandbox.Id, error.Message);
    }

    [Fact]
    public async Task A_file_goes_up_and_back_unchanged_at_the_path_the_kernel_sees()
    {
        var content = RandomNumberGenerator.GetBytes(300_000);
        await File.WriteAllBytesAsync(HostPath("data.bin"), content);

        await Files.UploadFileAsync(HostPath("data.bin"), $"{_remote}/nested/deeper/data.bin");

        var result = await Sandbox.ExecuteAsync(
            $"import os\np = '{_remote}/nested/deeper/data.bin'\nsize = os.path.getsize(p)\nopen(p, 'ab').write(b'xyz')\nprint(size, os.path.isdir('{_remote}/nested'))");
        Assert.Equal("300000 True", result.Text);

        await Files.DownloadFileAsync($"./{_remote}/nested/deeper/data.bin", HostPath("back", "data.bin"));
        var back = await File.ReadAllBytesAsync(HostPath("back", "data.bin"));
        Assert.Equal([.. content, (byte)'x', (byte)'y', (byte)'z'], back);

        // Uploading again replaces the file.
        await File.WriteAllTextAsync(HostPath("data.bin"), "replaced");
        await Files.UploadFileAsync(HostPath("data.bin"), $"{_remote}/nested/deeper/data.bin");
        Assert.Equal("replaced", (await Sandbox.ExecuteAsync($"print(open('{_remote}/nested/deeper/data.bin').read())")).Text);
    }

    [Fact]
    public async Task A_directory_goes_up_and_back_with_its_tree_and_merges_into_an_existing_target()
    {
        Directory.CreateDirectory(HostPath("src", "a", "b"));
        Directory.CreateDirectory(HostPath("src", "empty"));
        Directory.CreateDirectory(HostPath("src", "__pycache__"));
        await File.WriteAllTextAsync(HostPath("src", "top.txt"), "top");
        await File.WriteAllTextAsync(HostPath("src", ".hidden"), "hidden");
        await File.WriteAllTextAsync(HostPath("src", "__pycache__", "m.cpython-311.pyc"), "cache");
        await File.WriteAllTextAsync(HostPath("src", "a", "b", "leaf.txt"), "leaf");

        await Files.UploadDirectoryAsync(HostPath("src"), $"{_remote}/tree");
        var result = await Sandbox.ExecuteAsync(
            $"import os\nt = '{_remote}/tree'\nprint(open(t + '/a/b/leaf.txt').read(), open(t + '/.hidden').read(), os.path.isdir(t + '/empty'))\n" +
            "open(t + '/a/b/leaf.txt', 'w').write('changed by the kernel')\nos.mkdir(t + '/a/new')");
        Assert.Equal("leaf hidden True", result.Text);

        await Files.DownloadDirectoryAsync($"{_remote}/tree", HostPath("dst"));
        Assert.Equal("top", await File.ReadAllTextAsync(HostPath("dst", "top.txt")));
        Assert.Equal("hidden", await File.ReadAllTextAsync(HostPath("dst", ".hidden")));
        Assert.Equal("cache", await File.ReadAllTextAsync(HostPath("dst", "__pycache__", "m.cpython-311.pyc")));
        Assert.Equal("changed by the kernel", await File.ReadAllTextAsync(HostPath("dst", "a", "b", "leaf.txt")));
        Assert.True(Directory.Exists(HostPath("dst", "empty")));
        Assert.True(Directory.Exists(HostPath("dst", "a", "new")));

        // Into an existing directory: files of the same name are replaced, others kept.
        await File.WriteAllTextAsync(HostPath("dst", "top.txt"), "old top");
        await File.WriteAllTextAsync(HostPath("dst", "local-only.txt"), "kept");
        await Files.DownloadDirectoryAsync($"{_remote}/tree", HostPath("dst"));
        Assert.Equal("top", await File.ReadAllTextAsync(HostPath("dst", "top.txt")));
        Assert.Equal("kept", await File.ReadAllTextAsync(HostPath("dst", "local-only.txt")));
        Assert.Equal(["dst", "src"], _host.Info.GetFileSystemInfos().Select(i => i.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task List_reports_name_size_kind_and_time_and_delete_removes_a_file()
    {
        await Sandbox.ExecuteAsync(
            $"import os\nos.makedirs('{_remote}/list/sub')\nopen('{_remote}/list/b.txt', 'w').write('12345')\n" +
            $"open('{_remote}/list/a.bin', 'wb').write(bytes(range(256)))\nopen('{_remote}/list/with space\\tand tab', 'w').write('x')");

        var before = DateTimeOffset.UtcNow.AddMinutes(-5);
        var entries = await Files.ListAsync($"{_remote}/list");
        Assert.Equal(["a.bin", "b.txt", "sub", "with space\tand tab"], entries.Select(e => e.Name));
        Assert.Equal(($"{_remote}/list/a.bin", 256L, RemoteFileKind.File), (entries[0].RelativePath, entries[0].Size, entries[0].Kind));
        Assert.Equal(($"{_remote}/list/b.txt", 5L, RemoteFileKind.File), (entries[1].RelativePath, entries[1].Size, entries[1].Kind));
        Assert.Equal(($"{_remote}/list/sub", 0L, RemoteFileKind.Directory), (entries[2].RelativePath, entries[2].Size, entries[2].Kind));
        Assert.InRange(entries[1].Modified, before, DateTimeOffset.UtcNow.AddMinutes(5));

        var single = Assert.Single(await Files.ListAsync($"./{_remote}/list/b.txt"));
        Assert.Equal(("b.txt", $"{_remote}/list/b.txt", 5L, RemoteFileKind.File), (single.Name, single.RelativePath, single.Size, single.Kind));
        Assert.Contains(await Files.ListAsync(), e => e.Name == _remote && e.Kind == RemoteFileKind.Directory);

        await Files.DeleteFileAsync($"{_remote}/list/b.txt");
        Assert.Equal(["a.bin", "sub", "with space\tand tab"], (await Files.ListAsync($"{_remote}/list")).Select(e => e.Name));
        Assert.Equal("False", (await Sandbox.ExecuteAsync($"import os\nprint(os.path.exists('{_remote}/list/b.txt'))")).Text);
    }

    [Fact]
    public async Task Bad_paths_are_refused_with_a_clear_error_and_change_nothing()
    {
        await File.WriteAllTextAsync(HostPath("f.txt"), "f");
        Directory.CreateDirectory(HostPath("d"));
        await Files.UploadFileAsync(HostPath("f.txt"), $"{_remote}/bad/file.txt");
        await Files.UploadDirectoryAsync(HostPath("d"), $"{_remote}/bad/dir");
        var before = await Files.ListAsync($"{_remote}/bad");

        // Paths that leave /app.
        foreach (var path in new[] { "/etc/passwd", "../etc/passwd", $"{_remote}/../../etc/x", "a/../../x", "..\\x" })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => Files.UploadFileAsync(HostPath("f.txt"), path));
            await Assert.ThrowsAsync<ArgumentException>(() => Files.UploadDirectoryAsync(HostPath("d"), path));
            await Assert.ThrowsAsync<ArgumentException>(() => Files.DownloadFileAsync(path, HostPath("x")));
            await Assert.ThrowsAsync<ArgumentException>(() => Files.DownloadDirectoryAsync(path, HostPath("x")));
            await Assert.ThrowsAsync<ArgumentException>(() => Files.DeleteFileAsync(path));
            await Assert.ThrowsAsync<ArgumentException>(() => Files.ListAsync(path));
        }

        // Missing local and remote paths.
        var missingLocal = await Assert.ThrowsAsync<FileNotFoundException>(() => Files.UploadFileAsync(HostPath("nope.txt"), $"{_remote}/bad/n.txt"));
        Assert.Contains("nope.txt", missingLocal.Message);
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => Files.UploadDirectoryAsync(HostPath("nope"), $"{_remote}/bad/n"));
        var missingRemote = await Assert.ThrowsAsync<FileNotFoundException>(() => Files.DownloadFileAsync($"{_remote}/bad/nope.txt", HostPath("x")));
        Assert.Contains($"/app/{_remote}/bad/nope.txt does not exist", missingRemote.Message);
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => Files.DownloadDirectoryAsync($"{_remote}/bad/nope", HostPath("x")));
        await Assert.ThrowsAsync<FileNotFoundException>(() => Files.DeleteFileAsync($"{_remote}/bad/nope.txt"));
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => Files.ListAsync($"{_remote}/bad/nope"));

        // A directory where a file is expected, and the other way round.
        await Assert.ThrowsAsync<IOException>(() => Files.UploadFileAsync(HostPath("d"), $"{_remote}/bad/new.txt"));
        await Assert.ThrowsAsync<IOException>(() => Files.UploadDirectoryAsync(HostPath("f.txt"), $"{_remote}/bad/new"));
        var intoDirectory = await Assert.ThrowsAsync<IOException>(() => Files.UploadFileAsync(HostPath("f.txt"), $"{_remote}/bad/dir"));
        Assert.Contains("is a directory", intoDirectory.Message);
        await Assert.ThrowsAsync<IOException>(() => Files.UploadFileAsync(HostPath("f.txt"), $"{_remote}/bad/file.txt/below.txt"));
        await Assert.ThrowsAsync<IOException>(() => Files.UploadDirectoryAsync(HostPath("d"), $"{_remote}/bad/file.txt"));
        await Assert.ThrowsAsync<IOException>(() => Files.DownloadFileAsync($"{_remote}/bad/dir", HostPath("x")));
        await Assert.ThrowsAsync<IOException>(() => Files.DownloadDirectoryAsync($"{_remote}/bad/file.txt", HostPath("x")));
        await Assert.ThrowsAsync<IOException>(() => Files.DownloadFileAsync($"{_remote}/bad/file.txt", HostPath("d")));
        await Assert.ThrowsAsync<IOException>(() => Files.DownloadDirectoryAsync($"{_remote}/bad/dir", HostPath("f.txt")));
        var deleteDirectory = await Assert.ThrowsAsync<IOException>(() => Files.DeleteFileAsync($"{_remote}/bad/dir"));
        Assert.Contains("is a directory", deleteDirectory.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Files.UploadFileAsync(HostPath("f.txt"), ""));
        await Assert.ThrowsAsync<ArgumentException>(() => Files.DeleteFileAsync("."));

        // Nothing changed on either side.
        Assert.Equal(before, await Files.ListAsync($"{_remote}/bad"));
        Assert.Equal(["d", "f.txt"], _host.Info.GetFileSystemInfos().Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(HostPath("d")));
        Assert.Equal("f", await File.ReadAllTextAsync(HostPath("f.txt")));
    }

    [Fact]
    public async Task Links_planted_in_the_sandbox_never_bring_other_files_onto_the_host()
    {
        // Bait on the host next to the target: a link that reached it would overwrite or reveal it.
        var bait = HostPath("bait.txt");
        await File.WriteAllTextAsync(bait, "host secret");
        await Sandbox.ExecuteAsync($$"""
            import os
            root = '{{_remote}}/evil'
            os.makedirs(root + '/sub')
            open(root + '/plain.txt', 'w').write('plain')
            open(root + '/sub/inner.txt', 'w').write('inner')
            os.symlink('/etc/passwd', root + '/passwd')
            os.symlink('/etc/passwd', root + '/sub/passwd')
            os.symlink('{{bait}}', root + '/host_bait')
            """);

        await Files.DownloadDirectoryAsync($"{_remote}/evil", HostPath("target"));

        // Only the regular files and directories arrived; the links were left behind.
        var arrived = Directory.EnumerateFileSystemEntries(HostPath("target"), "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(HostPath("target"), p)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["plain.txt", "sub", Path.Combine("sub", "inner.txt")], arrived);
        Assert.All(Directory.EnumerateFileSystemEntries(HostPath("target"), "*", SearchOption.AllDirectories), p => Assert.Null(new FileInfo(p).LinkTarget));

        // A link downloaded by name is refused and leaves nothing behind.
        await Assert.ThrowsAsync<IOException>(() => Files.DownloadFileAsync($"{_remote}/evil/passwd", HostPath("passwd.txt")));
        Assert.False(File.Exists(HostPath("passwd.txt")));

        // The host around the target is untouched.
        Assert.Equal("host secret", await File.ReadAllTextAsync(bait));
        Assert.Equal(["bait.txt", "target"], _host.Info.GetFileSystemInfos().Select(i => i.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>Answers every <c>input()</c> with one value and records the prompts.</summary>
    private sealed class InputReplies(List<string> prompts, string value) : IJupyterMessageHandler
    {
        public bool Handle(JupyterMessage message, IJupyterMessageSender sender)
        {
            if (message.MessageType != "input_request")
            {
                return false;
            }

            lock (prompts)
            {
                prompts.Add(message.GetString("prompt") ?? string.Empty);
            }

            _ = sender.SendAsync("stdin", "input_reply", new JsonObject { ["value"] = value }, message);
            return true;
        }
    }
}
