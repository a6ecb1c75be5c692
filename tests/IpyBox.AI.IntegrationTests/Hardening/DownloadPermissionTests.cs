using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// A download gives the host no more than the kernel user could read itself: the engine reads archives as root, so a file
/// the sandbox swaps for a link while a download runs must not hand out root-only files of the container.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class DownloadPermissionTests(SandboxFixture sandbox) : IDisposable
{
    private const string Secret = "root-only-secret-7f3a";
    private readonly TempDirectory _host = new("ipybox-perm-");
    private readonly string _remote = "perm-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task A_root_only_file_and_a_link_to_it_in_app_yield_no_bytes_of_it()
    {
        // Root in the sandbox holds no capabilities: it writes into a directory the kernel user opened to everyone.
        await using (var client = await sandbox.ConnectAsync())
        {
            await client.ExecuteAsync($"""
                import os
                os.makedirs('/app/{_remote}/dir')
                os.chmod('/app/{_remote}/dir', 0o777)
                os.symlink('/app/{_remote}/dir/secret.txt', '/app/{_remote}/link.txt')
                open('/app/{_remote}/dir/public.txt', 'w').write('public')
                """);
        }

        await RunAsRootAsync($"echo {Secret} > /app/{_remote}/dir/secret.txt && chmod 600 /app/{_remote}/dir/secret.txt");

        var files = new ResourceClient(sandbox.Container);
        await Assert.ThrowsAsync<IOException>(() => files.DownloadFileAsync($"{_remote}/dir/secret.txt", _host.Combine("secret.txt")));
        await Assert.ThrowsAsync<IOException>(() => files.DownloadFileAsync($"{_remote}/link.txt", _host.Combine("link.txt")));
        await files.DownloadDirectoryAsync(_remote, _host.Combine("tree"));

        Assert.True(File.Exists(_host.Combine("tree", "dir", "public.txt")));
        AssertNoSecretOnHost();
    }

    [Fact]
    public async Task A_file_swapped_for_a_link_to_a_root_only_file_during_downloads_never_leaks_it()
    {
        await RunAsRootAsync($"echo {Secret} > /tmp/{_remote}-secret && chmod 600 /tmp/{_remote}-secret");
        await using var client = await sandbox.ConnectAsync();
        // A thread in the kernel swaps the file for a link and back as fast as it can, while the host downloads.
        await client.ExecuteAsync($"""
            import os, threading
            os.makedirs('/app/{_remote}', exist_ok=True)
            stop_swapping = threading.Event()
            def swap(path='/app/{_remote}/data.txt', temp='/app/{_remote}/.swap'):
                while not stop_swapping.is_set():
                    with open(temp, 'w') as f:
                        f.write('harmless content')
                    os.replace(temp, path)
                    os.symlink('/tmp/{_remote}-secret', temp)
                    os.replace(temp, path)
            open('/app/{_remote}/data.txt', 'w').write('harmless content')
            threading.Thread(target=swap, daemon=True).start()
            """);

        var files = new ResourceClient(sandbox.Container);
        try
        {
            for (var i = 0; i < 40; i++)
            {
                try
                {
                    await files.DownloadFileAsync($"{_remote}/data.txt", _host.Combine($"file-{i}.txt"));
                }
                catch (IOException)
                {
                    // Refused when the path was a link at that moment: that is fine.
                }

                await files.DownloadDirectoryAsync(_remote, _host.Combine($"dir-{i}"));
            }
        }
        finally
        {
            await client.ExecuteAsync("stop_swapping.set()");
        }

        AssertNoSecretOnHost();
    }

    [Fact]
    public async Task Names_with_backslashes_are_renamed_and_the_rest_of_the_directory_arrives()
    {
        await using (var client = await sandbox.ConnectAsync())
        {
            await client.ExecuteAsync($$"""
                import os
                os.makedirs('/app/{{_remote}}/names')
                for name in ['a\\b.txt', '..\\x.txt', 'ok.txt']:
                    open('/app/{{_remote}}/names/' + name, 'w').write(name)
                """);
        }

        await new ResourceClient(sandbox.Container).DownloadDirectoryAsync($"{_remote}/names", _host.Combine("names"));

        var arrived = Directory.EnumerateFileSystemEntries(_host.Combine("names")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal([".._x.txt", "a_b.txt", "ok.txt"], arrived);
        Assert.Equal("a\\b.txt", await File.ReadAllTextAsync(_host.Combine("names", "a_b.txt")));
        Assert.Equal(["names"], Directory.EnumerateFileSystemEntries(_host.FullName).Select(Path.GetFileName));
    }

    private void AssertNoSecretOnHost()
    {
        foreach (var file in Directory.EnumerateFiles(_host.FullName, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(Secret, File.ReadAllText(file));
        }
    }

    private async Task RunAsRootAsync(string script)
    {
        using var client = DockerEngine.CreateClient();
        var exec = await client.Exec.CreateContainerExecAsync(sandbox.Container.ContainerId!, new ContainerExecCreateParameters
        {
            Cmd = ["sh", "-c", script],
            User = "root",
            AttachStdout = true,
            AttachStderr = true,
        });
        using (var stream = await client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters()))
        {
            await stream.ReadOutputToEndAsync(CancellationToken.None);
        }

        ContainerExecInspectResponse state;
        do
        {
            state = await client.Exec.InspectContainerExecAsync(exec.ID);
        }
        while (state.Running);
        Assert.Equal(0, state.ExitCode);
    }
}
