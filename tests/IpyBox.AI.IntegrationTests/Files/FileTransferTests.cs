using System.Security.Cryptography;

namespace IpyBox.AI.IntegrationTests;

[Collection(SandboxCollection.Name)]
public sealed class FileTransferTests(SandboxFixture sandbox) : IDisposable
{
    private readonly TempDirectory _host = new("ipybox-files-");
    private readonly string _remote = "ft-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => _host.Dispose();

    private string HostPath(params string[] parts) => Path.Combine([_host.FullName, .. parts]);

    [Fact]
    public async Task A_file_goes_up_and_back_unchanged_and_the_kernel_can_modify_it()
    {
        var files = new ResourceClient(sandbox.Container);
        var content = RandomNumberGenerator.GetBytes(300_000);
        await File.WriteAllBytesAsync(HostPath("data.bin"), content);

        await files.UploadFileAsync(HostPath("data.bin"), $"{_remote}/nested/deeper/data.bin");

        await using var client = await sandbox.ConnectAsync();
        var result = await client.ExecuteAsync(
            $"import os\np = '{_remote}/nested/deeper/data.bin'\nst = os.stat(p)\nd = os.stat('{_remote}/nested')\n" +
            "open(p, 'ab').write(b'xyz')\nprint(st.st_size, st.st_uid, st.st_gid, d.st_uid, d.st_gid, os.getuid())");
        Assert.Equal("300000 1000 1000 1000 1000 1000", result.Text);

        await files.DownloadFileAsync($"{_remote}/nested/deeper/data.bin", HostPath("back", "data.bin"));
        var back = await File.ReadAllBytesAsync(HostPath("back", "data.bin"));
        Assert.Equal([.. content, (byte)'x', (byte)'y', (byte)'z'], back);
    }

    [Fact]
    public async Task A_directory_goes_up_and_back_with_its_tree()
    {
        var files = new ResourceClient(sandbox.Container);
        Directory.CreateDirectory(HostPath("src", "a", "b"));
        Directory.CreateDirectory(HostPath("src", "empty"));
        await File.WriteAllTextAsync(HostPath("src", "top.txt"), "top");
        await File.WriteAllTextAsync(HostPath("src", "a", "b", "leaf.txt"), "leaf");
        File.CreateSymbolicLink(HostPath("src", "host_link"), "/etc/hostname");

        await files.UploadDirectoryAsync(HostPath("src"), $"{_remote}/tree");
        await using (var client = await sandbox.ConnectAsync())
        {
            // The host's link arrives as a link (not the host file's content).
            var link = await client.ExecuteAsync($"import os\nprint(os.path.islink('{_remote}/tree/host_link'), os.readlink('{_remote}/tree/host_link'))");
            Assert.Equal("True /etc/hostname", link.Text);
            var result = await client.ExecuteAsync(
                $"import os\nprint(open('{_remote}/tree/a/b/leaf.txt').read(), os.path.isdir('{_remote}/tree/empty'))\n" +
                $"open('{_remote}/tree/a/b/leaf.txt', 'w').write('changed by the kernel')\nos.mkdir('{_remote}/tree/a/new')");
            Assert.Equal("leaf True", result.Text);
        }

        await files.DownloadDirectoryAsync($"{_remote}/tree", HostPath("dst"));
        Assert.Equal("top", await File.ReadAllTextAsync(HostPath("dst", "top.txt")));
        Assert.Equal("changed by the kernel", await File.ReadAllTextAsync(HostPath("dst", "a", "b", "leaf.txt")));
        Assert.True(Directory.Exists(HostPath("dst", "empty")));
        Assert.True(Directory.Exists(HostPath("dst", "a", "new")));
        Assert.Equal(["dst", "src"], _host.Info.GetFileSystemInfos().Select(i => i.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Downloading_into_an_existing_directory_merges_and_replaces()
    {
        var files = new ResourceClient(sandbox.Container);
        await File.WriteAllTextAsync(HostPath("one.txt"), "new one");
        await files.UploadFileAsync(HostPath("one.txt"), $"{_remote}/merge/one.txt");
        Directory.CreateDirectory(HostPath("target"));
        await File.WriteAllTextAsync(HostPath("target", "one.txt"), "old one");
        await File.WriteAllTextAsync(HostPath("target", "keep.txt"), "kept");

        await files.DownloadDirectoryAsync($"{_remote}/merge", HostPath("target"));

        Assert.Equal("new one", await File.ReadAllTextAsync(HostPath("target", "one.txt")));
        Assert.Equal("kept", await File.ReadAllTextAsync(HostPath("target", "keep.txt")));
        Assert.DoesNotContain(_host.Info.GetDirectories(), d => d.Name.StartsWith(".ipybox", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_reports_name_size_kind_and_time_and_delete_removes_a_file()
    {
        var files = new ResourceClient(sandbox.Container);
        await using (var client = await sandbox.ConnectAsync())
        {
            await client.ExecuteAsync(
                $"import os\nos.makedirs('{_remote}/list/sub')\nopen('{_remote}/list/b.txt', 'w').write('12345')\n" +
                $"os.symlink('b.txt', '{_remote}/list/link')\nos.mkfifo('{_remote}/list/pipe')\nopen('{_remote}/list/with space\\tand tab', 'w').write('x')");
        }

        var before = DateTimeOffset.UtcNow.AddMinutes(-5);
        var entries = await files.ListAsync($"{_remote}/list");
        Assert.Equal(["b.txt", "link", "pipe", "sub", "with space\tand tab"], entries.Select(e => e.Name));
        var file = entries[0];
        Assert.Equal(($"{_remote}/list/b.txt", 5L, RemoteFileKind.File), (file.RelativePath, file.Size, file.Kind));
        Assert.InRange(file.Modified, before, DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(RemoteFileKind.SymbolicLink, entries[1].Kind);
        Assert.Equal(RemoteFileKind.Other, entries[2].Kind);
        Assert.Equal(RemoteFileKind.Directory, entries[3].Kind);

        var single = Assert.Single(await files.ListAsync($"./{_remote}/list/b.txt"));
        Assert.Equal(($"{_remote}/list/b.txt", 5L, RemoteFileKind.File), (single.RelativePath, single.Size, single.Kind));
        Assert.Contains(await files.ListAsync(), e => e.Name == _remote && e.Kind == RemoteFileKind.Directory);

        await files.DeleteFileAsync($"{_remote}/list/b.txt");
        await files.DeleteFileAsync($"{_remote}/list/link");
        Assert.Equal(["pipe", "sub", "with space\tand tab"], (await files.ListAsync($"{_remote}/list")).Select(e => e.Name));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_clear_error_and_changes_nothing()
    {
        var files = new ResourceClient(sandbox.Container);
        await File.WriteAllTextAsync(HostPath("f.txt"), "f");
        Directory.CreateDirectory(HostPath("d"));
        await files.UploadFileAsync(HostPath("f.txt"), $"{_remote}/bad/file.txt");
        await files.UploadDirectoryAsync(HostPath("d"), $"{_remote}/bad/dir");
        var before = await files.ListAsync($"{_remote}/bad");

        // Paths that leave /app.
        foreach (var path in new[] { "/etc/passwd", "../etc/passwd", $"{_remote}/../../etc/x", "a/../../x" })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => files.UploadFileAsync(HostPath("f.txt"), path));
            await Assert.ThrowsAsync<ArgumentException>(() => files.UploadDirectoryAsync(HostPath("d"), path));
            await Assert.ThrowsAsync<ArgumentException>(() => files.DownloadFileAsync(path, HostPath("x")));
            await Assert.ThrowsAsync<ArgumentException>(() => files.DownloadDirectoryAsync(path, HostPath("x")));
            await Assert.ThrowsAsync<ArgumentException>(() => files.DeleteFileAsync(path));
            await Assert.ThrowsAsync<ArgumentException>(() => files.ListAsync(path));
        }

        // Missing local and remote paths.
        var missingLocal = await Assert.ThrowsAsync<FileNotFoundException>(() => files.UploadFileAsync(HostPath("nope.txt"), $"{_remote}/bad/n.txt"));
        Assert.Contains("nope.txt", missingLocal.Message);
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => files.UploadDirectoryAsync(HostPath("nope"), $"{_remote}/bad/n"));
        var missingRemote = await Assert.ThrowsAsync<FileNotFoundException>(() => files.DownloadFileAsync($"{_remote}/bad/nope.txt", HostPath("x")));
        Assert.Contains("does not exist in the container", missingRemote.Message);
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => files.DownloadDirectoryAsync($"{_remote}/bad/nope", HostPath("x")));
        await Assert.ThrowsAsync<FileNotFoundException>(() => files.DeleteFileAsync($"{_remote}/bad/nope.txt"));
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => files.ListAsync($"{_remote}/bad/nope"));

        // A directory where a file is expected, and the other way round.
        await Assert.ThrowsAsync<IOException>(() => files.UploadFileAsync(HostPath("d"), $"{_remote}/bad/new.txt"));
        await Assert.ThrowsAsync<IOException>(() => files.UploadDirectoryAsync(HostPath("f.txt"), $"{_remote}/bad/new"));
        var intoDirectory = await Assert.ThrowsAsync<IOException>(() => files.UploadFileAsync(HostPath("f.txt"), $"{_remote}/bad/dir"));
        Assert.Contains("is a directory", intoDirectory.Message);
        await Assert.ThrowsAsync<IOException>(() => files.UploadFileAsync(HostPath("f.txt"), $"{_remote}/bad/file.txt/below.txt"));
        await Assert.ThrowsAsync<IOException>(() => files.UploadDirectoryAsync(HostPath("d"), $"{_remote}/bad/file.txt"));
        await Assert.ThrowsAsync<IOException>(() => files.DownloadFileAsync($"{_remote}/bad/dir", HostPath("x")));
        await Assert.ThrowsAsync<IOException>(() => files.DownloadDirectoryAsync($"{_remote}/bad/file.txt", HostPath("x")));
        await Assert.ThrowsAsync<IOException>(() => files.DownloadFileAsync($"{_remote}/bad/file.txt", HostPath("d")));
        await Assert.ThrowsAsync<IOException>(() => files.DownloadDirectoryAsync($"{_remote}/bad/dir", HostPath("f.txt")));
        var deleteDirectory = await Assert.ThrowsAsync<IOException>(() => files.DeleteFileAsync($"{_remote}/bad/dir"));
        Assert.Contains("is a directory", deleteDirectory.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => files.UploadFileAsync(HostPath("f.txt"), ""));
        await Assert.ThrowsAsync<ArgumentException>(() => files.DeleteFileAsync("."));

        // Nothing changed on either side.
        Assert.Equal(before, await files.ListAsync($"{_remote}/bad"));
        Assert.Equal(["d", "f.txt"], _host.Info.GetFileSystemInfos().Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(HostPath("d")));
        Assert.Equal("f", await File.ReadAllTextAsync(HostPath("f.txt")));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_file_whose_name_needs_escaping_arrives_with_its_bytes_mode_and_time()
    {
        // Served by the kernel server's /files/ endpoint: the name travels in a URL.
        var name = $"{_remote}/dir with space/100% #1 ü?.txt";
        await using var client = await sandbox.ConnectAsync();
        await client.ExecuteAsync(
            $"import os\np = {PythonString(name)}\nos.makedirs(os.path.dirname(p), exist_ok=True)\n" +
            "open(p, 'w').write('escaped')\nos.chmod(p, 0o750)\nos.utime(p, (1600000000, 1600000000))");

        await new ResourceClient(sandbox.Container).DownloadFileAsync(name, HostPath("escaped.txt"));
        using var guard = Unbounded($"/app/{name}");
        var served = await ServerFileDownload.TryWriteAsync(
            sandbox.Container, $"/app/{name}", HostPath("served.txt"), UnixFileMode.UserRead, DateTime.UnixEpoch, guard, guard.Token);

        Assert.True(served, "the kernel server did not serve the file");
        Assert.Equal("escaped", await File.ReadAllTextAsync(HostPath("served.txt")));
        Assert.Equal("escaped", await File.ReadAllTextAsync(HostPath("escaped.txt")));
        Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(HostPath("escaped.txt")));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1600000000).UtcDateTime, File.GetLastWriteTimeUtc(HostPath("escaped.txt")));
    }

    [Fact]
    public async Task A_server_that_does_not_serve_the_file_leaves_the_download_to_tar_with_the_same_result()
    {
        // Under a path prefix the server has no /files/ at the root: the download goes through tar instead.
        var options = new ExecutionContainerOptions();
        options.Environment["IPYBOX_BASE_URL"] = "/prefix/";
        await using var container = await ExecutionContainer.StartAsync(options);
        var files = new ResourceClient(container);
        var content = RandomNumberGenerator.GetBytes(100_000);
        await File.WriteAllBytesAsync(HostPath("up.bin"), content);
        await files.UploadFileAsync(HostPath("up.bin"), "sub/up.bin");
        using var guard = Unbounded("/app/sub/up.bin");
        Assert.False(await ServerFileDownload.TryWriteAsync(
            container, "/app/sub/up.bin", HostPath("unserved.bin"), UnixFileMode.UserRead, DateTime.UnixEpoch, guard, guard.Token));

        await files.DownloadFileAsync("sub/up.bin", HostPath("back.bin"));

        Assert.Equal(content, await File.ReadAllBytesAsync(HostPath("back.bin")));
    }

    private static TransferGuard Unbounded(string path) => new(
        path,
        new TransferLimits(Timeout.InfiniteTimeSpan, "idle", Timeout.InfiniteTimeSpan, "total", MaxBytes: null, "size", TimeProvider.System),
        CancellationToken.None);

    private static string PythonString(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    [Fact]
    public async Task A_stopped_container_still_gives_its_files_but_list_and_delete_say_it_is_not_running()
    {
        await using var container = await ExecutionContainer.StartAsync();
        var files = new ResourceClient(container);
        await File.WriteAllTextAsync(HostPath("kept.txt"), "kept");
        await files.UploadFileAsync(HostPath("kept.txt"), "kept.txt");

        await DockerEngine.KillAsync(container.ContainerId!);

        // The archive API works on a stopped container: its files can still be rescued.
        await files.DownloadFileAsync("kept.txt", HostPath("rescued.txt"));
        Assert.Equal("kept", await File.ReadAllTextAsync(HostPath("rescued.txt")));
        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => files.ListAsync());
        Assert.Contains("not running", error.Message);
        await Assert.ThrowsAsync<SandboxUnavailableException>(() => files.DeleteFileAsync("kept.txt"));
    }

    [Fact]
    public async Task Before_RunAsync_the_client_says_to_start_the_container()
    {
        await using var container = new ExecutionContainer();
        var files = new ResourceClient(container);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => files.ListAsync());
        Assert.Contains("RunAsync", error.Message);
    }
}
