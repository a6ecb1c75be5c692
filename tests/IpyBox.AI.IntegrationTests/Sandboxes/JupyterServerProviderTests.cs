namespace IpyBox.AI.IntegrationTests;

/// <summary>What only the Jupyter-server backend has to say: its errors and the limits of the Contents API.</summary>
public sealed class JupyterServerProviderTests(JupyterServerFixture server) : IClassFixture<JupyterServerFixture>, IDisposable
{
    private readonly TempDirectory _host = new("ipybox-jupyter-");
    private readonly string _remote = "jupyter-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => _host.Dispose();

    private string HostPath(params string[] parts) => _host.Combine(parts);

    [Fact]
    public async Task A_wrong_token_is_refused_with_a_message_about_the_token_and_leaves_no_kernel()
    {
        var kernels = await server.ListKernelIdsAsync();
        var options = server.CreateOptions();
        options.Token = "not-the-token";

        var error = await Assert.ThrowsAsync<IpyBoxException>(() => new JupyterServerSandboxProvider(options).CreateAsync());

        Assert.Contains("refused the token (403 Forbidden)", error.Message);
        Assert.Contains("JupyterServerOptions.Token", error.Message);
        Assert.Equal(kernels, await server.ListKernelIdsAsync());
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_as_unavailable_with_its_address()
    {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        var options = new JupyterServerOptions { ServerUri = new Uri("http://127.0.0.1:1/jupyter"), Token = "t" };

        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => new JupyterServerSandboxProvider(options).CreateAsync());

        Assert.Contains("http://127.0.0.1:1/jupyter/ cannot be reached", error.Message);
        Assert.Contains("JupyterServerOptions.ServerUri", error.Message);
    }

    [Fact]
    public async Task A_wrong_path_prefix_says_to_check_the_base_url()
    {
        var options = server.CreateOptions();
        options.ServerUri = new Uri(server.ServerUri, "no/such/prefix/");

        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => new JupyterServerSandboxProvider(options).CreateAsync());

        Assert.Contains("serves no Jupyter API there", error.Message);
        Assert.Contains("base_url", error.Message);
    }

    [Fact]
    public async Task A_missing_kernel_spec_names_the_ones_the_server_offers()
    {
        var options = server.CreateOptions();
        options.Client = new ExecutionClientOptions { KernelName = "julia-1.9" };

        var error = await Assert.ThrowsAsync<IpyBoxException>(() => new JupyterServerSandboxProvider(options).CreateAsync());

        Assert.Contains("no kernel spec 'julia-1.9'; it offers: python3", error.Message);
    }

    [Fact]
    public async Task Files_above_the_size_limit_are_refused_before_anything_moves()
    {
        var options = server.CreateOptions();
        options.MaxFileBytes = 1024;
        await using var sandbox = await new JupyterServerSandboxProvider(options).CreateAsync();
        await File.WriteAllBytesAsync(HostPath("big.bin"), new byte[2000]);
        await sandbox.ExecuteAsync($"import os\nos.makedirs('{_remote}/dir')\nopen('{_remote}/dir/big.bin', 'wb').write(bytes(2000))\nopen('{_remote}/dir/small.txt', 'w').write('small')");

        var upload = await Assert.ThrowsAsync<NotSupportedException>(() => sandbox.Files.UploadFileAsync(HostPath("big.bin"), $"{_remote}/up/big.bin"));
        Assert.Contains("has 2000 bytes, more than JupyterServerOptions.MaxFileBytes (1024 bytes)", upload.Message);
        Assert.Contains("base64", upload.Message);
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => sandbox.Files.ListAsync($"{_remote}/up"));

        var download = await Assert.ThrowsAsync<NotSupportedException>(() => sandbox.Files.DownloadFileAsync($"{_remote}/dir/big.bin", HostPath("big-back.bin")));
        Assert.Contains("MaxFileBytes", download.Message);
        var directory = await Assert.ThrowsAsync<NotSupportedException>(() => sandbox.Files.DownloadDirectoryAsync($"{_remote}/dir", HostPath("dir")));
        Assert.Contains("MaxFileBytes", directory.Message);
        Assert.Equal(["big.bin"], _host.Info.GetFileSystemInfos().Select(i => i.Name));
    }

    [Fact]
    public async Task A_link_cannot_smuggle_a_large_file_past_the_size_limit()
    {
        var options = server.CreateOptions();
        options.MaxFileBytes = 1024;
        await using var sandbox = await new JupyterServerSandboxProvider(options).CreateAsync();

        // The server reports the link's own size (a few bytes) but serves the 200 kB it points to.
        await sandbox.ExecuteAsync($"import os\nos.makedirs('{_remote}')\nopen('{_remote}/big.bin', 'wb').write(bytes(200_000))\nos.symlink('big.bin', '{_remote}/small')");

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => sandbox.Files.DownloadFileAsync($"{_remote}/small", HostPath("small")));
        Assert.Contains("MaxFileBytes", error.Message);
        Assert.Empty(_host.Info.GetFileSystemInfos());
    }

    [Fact]
    public async Task A_directory_walk_through_a_link_loop_stops_at_the_entry_limit_and_writes_nothing()
    {
        var options = server.CreateOptions();
        options.MaxDirectoryEntries = 50;
        await using var sandbox = await new JupyterServerSandboxProvider(options).CreateAsync();
        await sandbox.ExecuteAsync($"import os\nos.makedirs('{_remote}/loop')\nopen('{_remote}/loop/a.txt', 'w').write('a')\nos.symlink('.', '{_remote}/loop/again')");

        var error = await Assert.ThrowsAsync<IOException>(() => sandbox.Files.DownloadDirectoryAsync($"{_remote}/loop", HostPath("target")));

        Assert.Contains("more than JupyterServerOptions.MaxDirectoryEntries (50) entries; nothing was written", error.Message);
        Assert.Empty(_host.Info.GetFileSystemInfos());
    }

    [Fact]
    public async Task A_local_link_in_an_uploaded_directory_is_refused_before_anything_is_sent()
    {
        Directory.CreateDirectory(HostPath("src"));
        await File.WriteAllTextAsync(HostPath("src", "a.txt"), "a");
        File.CreateSymbolicLink(HostPath("src", "host_link"), "/etc/hostname");

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => server.Sandbox.Files.UploadDirectoryAsync(HostPath("src"), $"{_remote}/src"));

        Assert.Contains("is a symbolic link; the Contents API cannot create links", error.Message);
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => server.Sandbox.Files.ListAsync($"{_remote}/src"));
    }

    [Fact]
    public async Task A_special_file_is_refused_by_name()
    {
        await server.Sandbox.ExecuteAsync($"import os\nos.makedirs('{_remote}')\nos.mkfifo('{_remote}/fifo')\nos.symlink('/nowhere', '{_remote}/broken')");

        var fifo = await Assert.ThrowsAsync<IOException>(() => server.Sandbox.Files.DownloadFileAsync($"{_remote}/fifo", HostPath("fifo")));
        Assert.Contains("is not a file the server can read", fifo.Message);
        await Assert.ThrowsAsync<IOException>(() => server.Sandbox.Files.DownloadFileAsync($"{_remote}/broken", HostPath("broken")));
        Assert.Empty(_host.Info.GetFileSystemInfos());
    }
}
