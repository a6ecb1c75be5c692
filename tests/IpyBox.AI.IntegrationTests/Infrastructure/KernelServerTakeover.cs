using System.Net;

namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// A kernel server taken over inside its sandbox. The kernel itself can no longer do it (ServerSecretTests), so a process in
/// the sandbox's process and network namespaces that got past those defences (root with <c>CAP_SYS_PTRACE</c>, standing for
/// a kernel exploit) stops the server with ptrace, makes it close its listening sockets and serves the port itself. The test
/// gives the Python function that answers each request; a request for <see cref="ProbePath"/> is answered 418 so the test
/// knows the takeover is done.
/// </summary>
public static class KernelServerTakeover
{
    /// <summary>The path the fake server answers with 418, whatever else it does.</summary>
    public const string ProbePath = "ipybox-takeover-probe";

    // It stops the server's main thread with ptrace,
    // makes it close() each of its sockets on port 8888 (one syscall instruction of libc, single-stepped), lets it go, and
    // serves the port itself, one thread per connection, with the answer function the test gave (`answer(connection, request)`).
    private const string Script = """
        import ctypes, os, socket, sys, threading

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

        exec(sys.argv[1])

        def handle(connection):
            try:
                request = connection.recv(65536).decode('latin-1')
                if ('/' + sys.argv[2]) in request.split('\r\n', 1)[0]:
                    connection.sendall(b'HTTP/1.1 418 Taken over\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
                else:
                    answer(connection, request)
            except OSError:
                pass
            finally:
                connection.close()

        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(('0.0.0.0', 8888))
        listener.listen()
        while True:
            connection, _ = listener.accept()
            threading.Thread(target=handle, args=(connection,), daemon=True).start()
        """;

    /// <summary>Takes the kernel server of <paramref name="container"/> over and waits until the fake server answers.</summary>
    /// <param name="container">The sandbox's container.</param>
    /// <param name="answer">Python source that defines <c>answer(connection, request)</c>: it writes the whole HTTP answer to the socket.</param>
    public static async Task TakeOverAsync(ExecutionContainer container, string answer)
    {
        await DockerEngine.StartInsideAsync(container.ContainerId!, container.Image, "/opt/venv/bin/python", "-c", Script, answer, ProbePath);
        await WaitUntilTakenOverAsync(container.ServerUri);
    }

    /// <summary>Waits until the server at <paramref name="serverUri"/> answers the probe as the fake server does.</summary>
    private static async Task WaitUntilTakenOverAsync(Uri serverUri)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(serverUri, ProbePath));
                if (response.StatusCode == (HttpStatusCode)418)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // The real server's connections are cut while the port changes hands.
            }

            Assert.True(DateTime.UtcNow < deadline, "The kernel server was not taken over within 60 s.");
            await Task.Delay(100);
        }
    }
}
