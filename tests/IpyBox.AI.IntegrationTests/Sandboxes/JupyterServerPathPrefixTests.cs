namespace IpyBox.AI.IntegrationTests;

/// <summary>A server published under a path prefix (its base_url), as behind a reverse proxy or JupyterHub.</summary>
public sealed class JupyterServerPathPrefixTests(PrefixedJupyterServerFixture server) : IClassFixture<PrefixedJupyterServerFixture>, IDisposable
{
    private readonly TempDirectory _host = new("ipybox-prefix-");

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Kernels_and_files_work_below_the_prefix()
    {
        Assert.EndsWith("/jupyter/user-1/", server.ServerUri.AbsoluteUri, StringComparison.Ordinal);
        var sandbox = server.Sandbox;

        var execution = await sandbox.SubmitAsync("import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.3)");
        var chunks = new List<string>();
        await foreach (var chunk in execution.StreamAsync())
        {
            chunks.Add(chunk);
        }

        Assert.Equal("0\n1\n2\n", string.Concat(chunks));

        var local = _host.Combine("up.txt");
        await File.WriteAllTextAsync(local, "through the prefix");
        var remote = $"prefix-{Guid.NewGuid():N}/up.txt";
        await sandbox.Files.UploadFileAsync(local, remote);
        Assert.Equal("through the prefix", (await sandbox.ExecuteAsync($"print(open('{remote}').read())")).Text);
        await sandbox.Files.DownloadFileAsync(remote, _host.Combine("back.txt"));
        Assert.Equal("through the prefix", await File.ReadAllTextAsync(_host.Combine("back.txt")));

        await sandbox.ResetAsync();
        Assert.Equal("after reset", (await sandbox.ExecuteAsync("print('after reset')")).Text);
    }

    [Fact]
    public async Task The_address_without_the_prefix_is_refused_with_a_hint()
    {
        var options = server.CreateOptions();
        options.ServerUri = new Uri(server.ServerUri, "/");

        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => new JupyterServerSandboxProvider(options).CreateAsync());

        Assert.Contains("base_url", error.Message);
    }
}
