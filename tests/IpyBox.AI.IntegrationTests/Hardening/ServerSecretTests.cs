using System.Text.Json;

namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// The kernel runs as the same user as the sandbox's kernel server. A cell searches everything that user can read for the
/// server's token (every process's environment and command line, PID 1's included, and the files in every writable
/// folder) and tries to take the server over with <c>ptrace</c> and <c>/proc/&lt;pid&gt;/mem</c>; it must find nothing
/// and be refused, in the first kernel (started with the container) and in one the server starts later.
/// </summary>
public sealed class ServerSecretTests : IAsyncLifetime
{
    private const string Search = """
        import ctypes, errno, json, os

        def errname(code):
            return errno.errorcode.get(code, str(code))

        def search(token):
            found = []
            pids = [p for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid()]
            for pid in pids:
                for part in ('environ', 'cmdline'):
                    try:
                        with open(f'/proc/{pid}/{part}', 'rb') as f:
                            if token in f.read():
                                found.append(f'/proc/{pid}/{part}')
                    except OSError:
                        pass
            for top in ('/tmp', '/app', os.path.expanduser('~'), '/opt/venv/user', '/run', '/dev/shm'):
                for folder, _, names in os.walk(top):
                    for name in names:
                        path = os.path.join(folder, name)
                        try:
                            if os.path.isfile(path) and token in open(path, 'rb').read():
                                found.append(path)
                        except OSError:
                            pass
            return found

        def take_over_server():
            libc = ctypes.CDLL(None, use_errno=True)
            libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
            server = next(int(p) for p in os.listdir('/proc')
                          if p.isdigit() and b'jupyter_server' in open(f'/proc/{p}/cmdline', 'rb').read())
            attach = 'attached' if libc.ptrace(16, server, None, None) == 0 else errname(ctypes.get_errno())  # PTRACE_ATTACH
            if attach == 'attached':
                libc.ptrace(17, server, None, None)                                                             # PTRACE_DETACH
            try:
                open(f'/proc/{server}/mem', 'rb').close()
                memory = 'opened'
            except OSError as e:
                memory = errname(e.errno)
            try:
                os.listdir(f'/proc/{server}/fd')
                fds = 'listed'
            except OSError as e:
                fds = errname(e.errno)
            return [attach, memory, fds]
        """;

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
    }

    [Fact]
    public async Task A_cell_finds_the_token_nowhere_and_cannot_attach_to_the_server_in_the_first_kernel_or_a_later_one()
    {
        await using (var first = await Container.ConnectClientAsync())
        {
            await AssertTheServerHoldsAsync(first);
        }

        // The server starts this kernel itself (the first one started with the container): it inherits nothing either.
        await using var later = await Container.ConnectClientAsync();
        await AssertTheServerHoldsAsync(later);

        // And the server still works for its host after all that: the token the host holds is the one it checks.
        Assert.Equal("2", (await later.ExecuteAsync("print(1 + 1)")).Text);
    }

    [Fact]
    public async Task The_kernel_stays_an_ordinary_process_that_can_trace_its_own_children()
    {
        await using var client = await Container.ConnectClientAsync();

        // Only the server hides itself: a process the kernel starts can still be traced by it (debuggers, strace).
        var result = await client.ExecuteAsync("""
            import ctypes, os, signal, subprocess, sys
            libc = ctypes.CDLL(None, use_errno=True)
            libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
            child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
            attached = libc.ptrace(16, child.pid, None, None) == 0
            os.waitpid(child.pid, 0x40000000)
            libc.ptrace(17, child.pid, None, None)
            child.kill()
            child.wait()
            print(attached)
            """);

        Assert.Equal("True", result.Text);
    }

    private async Task AssertTheServerHoldsAsync(ExecutionClient client)
    {
        var result = await client.ExecuteAsync(Search + $"""

            print(json.dumps([search({JsonSerializer.Serialize(Container.Token)}.encode()), take_over_server()]))
            """);

        using var report = JsonDocument.Parse(result.Text ?? string.Empty);
        var found = report.RootElement[0].EnumerateArray().Select(e => e.GetString()).ToList();
        var takeover = report.RootElement[1].EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Empty(found);
        Assert.Equal(["EPERM", "EACCES", "EACCES"], takeover);
    }
}
