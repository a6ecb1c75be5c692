namespace IpyBox.AI.IntegrationTests;

/// <summary>Code in the sandbox is untrusted: whatever it puts into /app, a download writes only inside its target.</summary>
[Collection(SandboxCollection.Name)]
public sealed class HostileContentTests(SandboxFixture sandbox) : IDisposable
{
    private readonly TempDirectory _host = new("ipybox-hostile-");
    private readonly string _remote = "hostile-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Links_fifos_and_hard_links_in_a_directory_never_reach_outside_the_target()
    {
        // Bait on the host next to the target: a link that reached it would overwrite or reveal it.
        var bait = Path.Combine(_host.FullName, "bait.txt");
        await File.WriteAllTextAsync(bait, "host secret");

        await using (var client = await sandbox.ConnectAsync())
        {
            await client.ExecuteAsync($$"""
                import os
                root = '{{_remote}}/evil'
                os.makedirs(root + '/sub')
                open(root + '/plain.txt', 'w').write('plain')
                open('{{_remote}}/outside.txt', 'w').write('outside the download')
                os.symlink('/etc/passwd', root + '/abs_link')
                os.symlink('../../../../../../../../../../{{_host.FullName.TrimStart('/')}}/bait.txt', root + '/rel_link')
                os.symlink('{{_host.FullName}}', root + '/dir_link')
                os.symlink('/', root + '/sub/root_link')
                os.link('{{_remote}}/outside.txt', root + '/hard_outside.txt')
                os.link(root + '/plain.txt', root + '/sub/hard_inside.txt')
                os.mkfifo(root + '/fifo')
                """);
        }

        var files = new ResourceClient(sandbox.Container);
        var target = Path.Combine(_host.FullName, "target");
        await files.DownloadDirectoryAsync($"{_remote}/evil", target);

        // Only regular files and directories arrived; links and the FIFO were skipped.
        var arrived = Directory.EnumerateFileSystemEntries(target, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(target, p)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["hard_outside.txt", "plain.txt", "sub", Path.Combine("sub", "hard_inside.txt")], arrived);
        Assert.All(Directory.EnumerateFileSystemEntries(target, "*", SearchOption.AllDirectories), p => Assert.Null(new FileInfo(p).LinkTarget));
        Assert.Equal("outside the download", await File.ReadAllTextAsync(Path.Combine(target, "hard_outside.txt")));
        Assert.Equal("plain", await File.ReadAllTextAsync(Path.Combine(target, "sub", "hard_inside.txt")));

        // The host around the target is untouched.
        Assert.Equal("host secret", await File.ReadAllTextAsync(bait));
        Assert.Equal(["bait.txt", "target"], _host.Info.GetFileSystemInfos().Select(i => i.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_file_download_refuses_links_out_of_app_and_special_files()
    {
        await using (var client = await sandbox.ConnectAsync())
        {
            await client.ExecuteAsync($$"""
                import os
                os.makedirs('{{_remote}}/f')
                open('{{_remote}}/f/real.txt', 'w').write('real')
                os.symlink('/etc/passwd', '{{_remote}}/f/passwd')
                os.symlink('real.txt', '{{_remote}}/f/inside')
                os.mkfifo('{{_remote}}/f/fifo')
                """);
        }

        var files = new ResourceClient(sandbox.Container);
        var target = Path.Combine(_host.FullName, "out.txt");
        var outside = await Assert.ThrowsAsync<IOException>(() => files.DownloadFileAsync($"{_remote}/f/passwd", target));
        Assert.Contains("outside /app", outside.Message);
        var fifo = await Assert.ThrowsAsync<IOException>(() => files.DownloadFileAsync($"{_remote}/f/fifo", target));
        Assert.Contains("regular files only", fifo.Message);
        Assert.Empty(_host.Info.GetFileSystemInfos());

        // A link to a file inside /app is followed.
        await files.DownloadFileAsync($"{_remote}/f/inside", target);
        Assert.Equal("real", await File.ReadAllTextAsync(target));
        Assert.Null(new FileInfo(target).LinkTarget);
    }
}
