namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// A download from a sandbox reads what the sandbox controls: its files and the <c>tar</c> that packs them (the kernel user's
/// to change and to signal), and the kernel server that serves them (taken over here as by code that got past the sandbox's
/// defences, see <see cref="KernelServerTakeover"/>). Here the sandbox makes a download stall, trickle, flood or read a file
/// without end; each ends with a clear error within the bounds of the container's options, and leaves nothing on the host.
/// Each download is also held to a test-level limit far beyond those bounds, so a download that hangs fails the test.
/// </summary>
public sealed class HostileDownloadTests : IAsyncLifetime
{
    private static readonly TimeSpan s_idle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_total = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);
    private const long MaxBytes = 64L << 20;

    private static readonly ExecutionClientOptions s_client = new() { ConnectTimeout = TimeSpan.FromSeconds(10), ReconnectTimeout = TimeSpan.FromSeconds(3) };

    private readonly TempDirectory _host = new("ipybox-hostile-download-");
    private ExecutionContainer? _container;

    private ExecutionContainer Container => _container!;

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        _container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions
        {
            FileTransferIdleTimeout = s_idle,
            FileTransferTimeout = s_total,
            MaxDownloadBytes = MaxBytes,
        });
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

        _host.Dispose();
    }

    [Fact]
    public async Task A_taken_over_server_that_never_sends_the_body_ends_at_the_idle_timeout_and_leaves_nothing()
    {
        await TakeOverAsync("""
            import time
            def answer(connection, request):
                connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048576\r\n\r\n')
                time.sleep(3600)
            """);

        var error = await Assert.ThrowsAsync<FileTransferTimeoutException>(
            DownloadDataFileAsync);

        Assert.Equal("/app/data.txt", error.Path);
        Assert.Equal(s_idle, error.Limit);
        Assert.Contains("ExecutionContainerOptions.FileTransferIdleTimeout", error.Message, StringComparison.Ordinal);
        Assert.Empty(_host.Info.GetFileSystemInfos());
    }

    [Fact]
    public async Task A_taken_over_server_that_trickles_bytes_forever_ends_at_the_transfer_timeout_and_leaves_nothing()
    {
        await TakeOverAsync("""
            import time
            def answer(connection, request):
                connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000000\r\n\r\n')
                while True:
                    connection.sendall(b'x')
                    time.sleep(0.5)
            """);

        var error = await Assert.ThrowsAsync<FileTransferTimeoutException>(
            DownloadDataFileAsync);

        Assert.Equal("/app/data.txt", error.Path);
        Assert.Equal(s_total, error.Limit);
        Assert.Contains("ExecutionContainerOptions.FileTransferTimeout", error.Message, StringComparison.Ordinal);
        Assert.Empty(_host.Info.GetFileSystemInfos());
    }

    [Fact]
    public async Task A_taken_over_server_that_sends_bytes_without_end_is_cut_at_the_size_limit_and_leaves_nothing()
    {
        await TakeOverAsync("""
            def answer(connection, request):
                connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n')
                chunk = bytes(1 << 20)
                while True:
                    connection.sendall(chunk)
            """);

        var error = await Assert.ThrowsAsync<IOException>(
            DownloadDataFileAsync);

        Assert.Contains("/app/data.txt", error.Message, StringComparison.Ordinal);
        Assert.Contains($"ExecutionContainerOptions.MaxDownloadBytes ({MaxBytes} bytes)", error.Message, StringComparison.Ordinal);
        Assert.Empty(_host.Info.GetFileSystemInfos());
    }

    [Fact]
    public async Task A_tar_the_sandbox_stops_ends_a_directory_download_at_the_idle_timeout_and_leaves_the_target_unchanged()
    {
        await using (var client = await Container.ConnectClientAsync(s_client))
        {
            // Everything the kernel user runs is its own to signal: a background thread stops every tar that packs a download.
            await client.ExecuteAsync("""
                import os, signal, threading, time
                os.makedirs('/app/stalled', exist_ok=True)
                with open('/app/stalled/big.bin', 'wb') as f:
                    f.write(os.urandom(1 << 20) * 100)

                def stop_tar():
                    while True:
                        for pid in os.listdir('/proc'):
                            try:
                                if pid.isdigit() and open(f'/proc/{pid}/cmdline', 'rb').read().startswith(b'tar\0'):
                                    os.kill(int(pid), signal.SIGSTOP)
                            except OSError:
                                pass
                        time.sleep(0.001)

                threading.Thread(target=stop_tar, daemon=True).start()
                """);

            var target = _host.Combine("stalled");
            var error = await Assert.ThrowsAsync<FileTransferTimeoutException>(
                () => new ResourceClient(Container).DownloadDirectoryAsync("stalled", target).WaitAsync(s_hang));

            Assert.Equal("/app/stalled", error.Path);
            Assert.Contains("ExecutionContainerOptions.FileTransferIdleTimeout", error.Message, StringComparison.Ordinal);
            Assert.Empty(_host.Info.GetFileSystemInfos());
        }
    }

    [Fact]
    public async Task A_file_that_grows_without_end_is_refused_by_its_size_or_cut_at_the_size_limit()
    {
        await using (var client = await Container.ConnectClientAsync(s_client))
        {
            // A sparse file costs the sandbox nothing, however large it says it is; a thread keeps making it larger.
            await client.ExecuteAsync("""
                import os, threading, time
                os.makedirs('/app/growing', exist_ok=True)
                path = '/app/growing/endless.bin'
                open(path, 'wb').close()

                def grow():
                    while True:
                        os.truncate(path, os.path.getsize(path) + (16 << 20))
                        time.sleep(0.05)

                threading.Thread(target=grow, daemon=True).start()
                while os.path.getsize(path) < 4 * (64 << 20):
                    time.sleep(0.05)
                """);

            var files = new ResourceClient(Container);
            var directory = await Assert.ThrowsAsync<IOException>(
                () => files.DownloadDirectoryAsync("growing", _host.Combine("growing")).WaitAsync(s_hang));
            Assert.Contains("/app/growing", directory.Message, StringComparison.Ordinal);
            Assert.Contains("ExecutionContainerOptions.MaxDownloadBytes", directory.Message, StringComparison.Ordinal);

            var file = await Assert.ThrowsAsync<IOException>(
                () => files.DownloadFileAsync("growing/endless.bin", _host.Combine("endless.bin")).WaitAsync(s_hang));
            Assert.Contains("/app/growing/endless.bin", file.Message, StringComparison.Ordinal);
            Assert.Contains("ExecutionContainerOptions.MaxDownloadBytes", file.Message, StringComparison.Ordinal);

            Assert.Empty(_host.Info.GetFileSystemInfos());
        }
    }

    [Fact]
    public async Task A_taken_over_jupyter_server_that_trickles_its_answers_ends_at_the_request_timeout_and_leaves_nothing()
    {
        // The Jupyter-server backend over the same container's server: the provider knows only its address and token.
        var timeout = TimeSpan.FromSeconds(10);
        var provider = new JupyterServerSandboxProvider(new JupyterServerOptions
        {
            ServerUri = Container.ServerUri,
            Token = Container.Token,
            RequestTimeout = timeout,
        });
        var sandbox = await provider.CreateAsync();
        try
        {
            await sandbox.ExecuteAsync("open('/app/data.txt', 'w').write('the real file')");
            await KernelServerTakeover.TakeOverAsync(Container, """
                import time
                def answer(connection, request):
                    connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"name": "')
                    while True:
                        connection.sendall(b'x')
                        time.sleep(0.5)
                """);

            var download = await Assert.ThrowsAsync<FileTransferTimeoutException>(
                () => sandbox.Files.DownloadFileAsync("data.txt", _host.Combine("data.txt")).WaitAsync(s_hang));
            Assert.Equal("/app/data.txt", download.Path);
            Assert.Equal(timeout, download.Limit);
            Assert.Contains("JupyterServerOptions.RequestTimeout", download.Message, StringComparison.Ordinal);

            var list = await Assert.ThrowsAsync<FileTransferTimeoutException>(
                () => sandbox.Files.DownloadDirectoryAsync(string.Empty, _host.Combine("app")).WaitAsync(s_hang));
            Assert.Equal("/app", list.Path);

            Assert.Empty(_host.Info.GetFileSystemInfos());
        }
        finally
        {
            // Deleting the kernel through the fake server gets no useful answer, which is not what is tested here.
            await sandbox.DisposeAsync().AsTask().WaitAsync(s_hang).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Writes <c>/app/data.txt</c>, then replaces the kernel server with one that answers with <paramref name="answer"/>.</summary>
    private async Task TakeOverAsync(string answer)
    {
        var client = await Container.ConnectClientAsync(s_client);
        await client.ExecuteAsync("open('/app/data.txt', 'w').write('the real file')");
        await KernelServerTakeover.TakeOverAsync(Container, answer);

        // The kernel's connection went with the server; deleting it gets no answer, which is not what is tested here.
        await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Downloads /app/data.txt through the taken-over server, failing the test instead of hanging.</summary>
    private Task DownloadDataFileAsync() => new ResourceClient(Container).DownloadFileAsync("data.txt", _host.Combine("data.txt")).WaitAsync(s_hang);
}
