namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// The kernel server inside a sandbox is the sandbox's own. The kernel can no longer take it over (ServerSecretTests), but
/// the host must not depend on that: here a process in the sandbox's process and network namespaces that got past those
/// defences (root with <c>CAP_SYS_PTRACE</c>, standing for a kernel exploit) takes the server over (ptrace, then the server's port) and answers every
/// request with a redirect to an address on the host; the host must send nothing there, whatever it was doing.
/// </summary>
public sealed class ServerTakeoverTests : IAsyncLifetime
{
    private static readonly ExecutionClientOptions s_options = new() { ConnectTimeout = TimeSpan.FromSeconds(10), ReconnectTimeout = TimeSpan.FromSeconds(3) };

    private readonly TempDirectory _host = new("ipybox-takeover-");

    // Stands for what the host can reach and the sandbox cannot: the Docker engine's socket, a cloud metadata service.
    private readonly ScriptedHttpServer _target = new(_ => (200, """[{"Id": "another-sandbox"}]""", null));
    private ExecutionContainer? _container;

    private ExecutionContainer Container => _container!;

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        _container = await ExecutionContainer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

        _target.Dispose();
        _host.Dispose();
    }

    [Fact]
    public async Task A_taken_over_server_that_redirects_makes_the_host_contact_nothing_else()
    {
        var client = await Container.ConnectClientAsync(s_options);
        await client.ExecuteAsync("open('/app/data.txt', 'w').write('the real file')");
        await KernelServerTakeover.TakeOverAsync(Container, $"""
            def answer(connection, request):
                connection.sendall(b'HTTP/1.1 307 Temporary Redirect\r\nLocation: {new Uri(_target.Uri, "containers/json").AbsoluteUri}\r\n'
                                   b'Content-Length: 0\r\nConnection: close\r\n\r\n')
            """);

        // A single-file download falls back to the engine's archive path and gets the real bytes.
        await new ResourceClient(Container).DownloadFileAsync("data.txt", _host.Combine("data.txt"));
        Assert.Equal("the real file", await File.ReadAllTextAsync(_host.Combine("data.txt")));

        // A new kernel cannot be created; the error says why.
        var create = await Assert.ThrowsAnyAsync<Exception>(() => Container.ConnectClientAsync(s_options));
        Assert.Contains("redirect", create.ToString(), StringComparison.Ordinal);

        // The running kernel's connection was cut: its reconnection is refused, not redirected.
        var lost = await Assert.ThrowsAsync<KernelUnavailableException>(() => client.ExecuteAsync("print(1)", TimeSpan.FromSeconds(60)));
        Assert.Contains("307", lost.Message, StringComparison.Ordinal);

        // Disposing deletes the kernel with a DELETE the server answers with a redirect.
        await client.DisposeAsync();

        Assert.Empty(_target.Requests);
    }
}
