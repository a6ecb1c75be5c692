namespace IpyBox.AI.SoakBench;

/// <summary>The mix: normal cells and the AI tools, hostile cells, host tools, files and the end of a conversation.</summary>
internal static class SoakOperations
{
    /// <summary>The tool set every sandbox gets; the <c>bridge</c> operation calls it.</summary>
    public const string ToolSetName = "soak";

    private const string EngineFault = nameof(DockerUnavailableException);
    private const string Died = nameof(KernelDiedException);
    private const string TimedOut = nameof(ExecutionTimeoutException);
    private const string SandboxLost = nameof(SandboxUnavailableException);

    // A PNG of random pixels, stored without compression: about 20 MB, whose message exceeds the 16 MiB message limit.
    private const string HugeImage = """
        import os, struct, zlib
        from IPython.display import Image, display
        w = h = 2600
        raw = b''.join(b'\x00' + os.urandom(w * 3) for _ in range(h))
        def chunk(kind, data):
            return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
        png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 0)) + chunk(b'IEND', b'')
        display(Image(data=png, format='png'))
        print('shown', len(png))
        """;

    // Each child waits until the kernel that forked it is gone (its end of a pipe closes then), so the pids limit is reached
    // however slowly the machine forks, and the reset that follows ends them all.
    private const string ForkBomb = """
        import errno, os
        keep, wait = os.pipe()
        children, refused = 0, None
        for _ in range(5000):
            try:
                pid = os.fork()
            except OSError as e:
                refused = errno.errorcode[e.errno]
                break
            if pid == 0:
                os.close(wait)
                os.read(keep, 1)
                os._exit(0)
            children += 1
        print(refused)
        """;

    public static IReadOnlyList<SoakOperation> All { get; } =
    [
        new("normal cell", 30, [], async step =>
        {
            var session = await step.SessionAsync();
            Expect("499500", (await session.ExecuteAsync("x = sum(range(1000))\nprint(x)", cancellationToken: step.CancellationToken)).Text);
        }),
        new("AI tool call", 8, [], async step =>
        {
            var result = await step.Tools.ExecuteAsync(step.ConversationKey, "print(6 * 7)", cancellationToken: step.CancellationToken);
            var text = result.IsError ? $"error: {result.Text}" : result.Text;

            // A kernel an earlier operation killed, and that its server could not restart, is replaced at this call: the tool's
            // text then starts with the documented "Note: ..." line saying the state was lost, and the output follows it.
            var output = text is not null && text.StartsWith("Note: ", StringComparison.Ordinal) ? text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..] : text;
            Expect("42", output);
        }),
        new("flood, lines", 3, [], async step =>
        {
            var session = await step.SessionAsync();
            var text = (await session.ExecuteAsync("for i in range(600_000):\n    print('line', i)", TimeSpan.FromSeconds(120), step.CancellationToken)).Text ?? string.Empty;
            Check(text.Contains("line 599999", StringComparison.Ordinal) && text.Contains("dropped", StringComparison.Ordinal), "the flood's tail and marker", text);
        }),
        new("flood, no newline", 3, [TimedOut, Died], async step =>
        {
            // The sandbox's output limit (CellOutputLimit, counted in the kernel) stops it: the expected end. Its timeout or
            // the memory limit may come first on a slow machine.
            var session = await step.SessionAsync();
            try
            {
                await session.ExecuteAsync("import sys\nchunk = 'y' * 100_000\nwhile True:\n    sys.stdout.write(chunk)", TimeSpan.FromSeconds(60), step.CancellationToken);
            }
            catch (ExecutionException stopped) when (stopped.ErrorName == "OutputLimitExceeded")
            {
                Check(stopped.Result?.Stderr.Contains("CellOutputLimit", StringComparison.Ordinal) == true, "the output limit's marker", stopped.Result?.Stderr ?? string.Empty);
                return;
            }

            throw new SoakCheckException("an endless flood ended without being stopped");
        }),
        // The children are copies of the kernel and count against the sandbox's memory limit as their pages change: the kernel
        // can be OOM-killed during the bomb (KernelDiedException). The reset's new kernel starts while the children end; on a
        // loaded machine it may not answer in time, and the reset raises the documented SandboxUnavailableException.
        new("fork bomb, then reset", 2, [EngineFault, Died, SandboxLost], async step =>
        {
            var session = await step.SessionAsync();
            Expect("EAGAIN", (await session.ExecuteAsync(ForkBomb, TimeSpan.FromSeconds(60), step.CancellationToken)).Text);
            await session.ResetAsync(step.CancellationToken);
        }),
        new("memory bomb", 3, [Died], async step =>
        {
            var session = await step.SessionAsync();
            await session.ExecuteAsync("blocks = []\nwhile True:\n    blocks.append(b'x' * (32 << 20))", TimeSpan.FromSeconds(60), step.CancellationToken);
            throw new SoakCheckException("a memory bomb ended without dying");
        }),
        // The memory limit is the whole sandbox's (the kernel server holding an earlier flood's output counts too): when it
        // is met the OOM killer may take the kernel, whatever its cell does, sleeping included.
        new("timeout", 4, [TimedOut, Died], async step =>
        {
            var session = await step.SessionAsync();
            await session.ExecuteAsync("import time\ntime.sleep(30)", TimeSpan.FromSeconds(1), step.CancellationToken);
            throw new SoakCheckException("a 30 s sleep ended within its 1 s timeout");
        }),
        new("timeout, interrupt ignored", 2, [TimedOut], async step =>
        {
            var session = await step.SessionAsync();
            try
            {
                await session.ExecuteAsync("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.1)", TimeSpan.FromSeconds(1), step.CancellationToken);
            }
            catch (ExecutionTimeoutException ex) when (!ex.KernelRestarted)
            {
                throw new SoakCheckException($"a kernel that ignores the interrupt was not restarted: {ex.Message}");
            }

            throw new SoakCheckException("an endless loop ended within its timeout");
        }),
        new("crash", 4, [Died], async step =>
        {
            var session = await step.SessionAsync();
            var code = step.Random.Next(2) == 0 ? "import os\nos._exit(3)" : "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)";
            await session.ExecuteAsync(code, TimeSpan.FromSeconds(60), step.CancellationToken);
            throw new SoakCheckException("a crash ended without dying");
        }),
        // Making a 20 MB PNG and its base64 takes several copies of it in the kernel: in a 512 MiB sandbox whose server may still
        // hold an earlier flood's output, the kernel can meet the memory limit, and is then the one the OOM killer takes.
        new("huge image", 2, [Died], async step =>
        {
            var session = await step.SessionAsync();
            var text = (await session.ExecuteAsync(HugeImage, TimeSpan.FromSeconds(120), step.CancellationToken)).Text ?? string.Empty;
            Check(text.Contains("dropped", StringComparison.Ordinal) && text.Contains("MaxMessageSize", StringComparison.Ordinal), "a marker for the dropped image", text);
        }),
        new("host tool calls", 8, [], async step =>
        {
            var session = await step.SessionAsync();
            // The timeout pauses while the host runs a call, but each call's trip to the host and back counts: 120 s, as the floods.
            Expect("190", (await session.ExecuteAsync($"from mcptools.{ToolSetName} import echo\nprint(sum(echo(x=i) for i in range(20)))", TimeSpan.FromSeconds(120), step.CancellationToken)).Text);
        }),
        new("file upload and download", 8, [EngineFault], async step =>
        {
            var session = await step.SessionAsync();
            var bytes = new byte[step.Random.Next(1, 1 << 20)];
            step.Random.NextBytes(bytes);
            var name = Guid.NewGuid().ToString("N");
            var local = Path.Combine(step.WorkDirectory, name);
            var back = local + ".back";
            await File.WriteAllBytesAsync(local, bytes, step.CancellationToken);
            try
            {
                await session.Sandbox.Files.UploadFileAsync(local, $"soak/{name}", step.CancellationToken);
                await session.Sandbox.Files.DownloadFileAsync($"soak/{name}", back, step.CancellationToken);
                Check((await File.ReadAllBytesAsync(back, step.CancellationToken)).AsSpan().SequenceEqual(bytes), "the downloaded file equal to the uploaded one", name);
                await session.Sandbox.Files.DeleteFileAsync($"soak/{name}", step.CancellationToken);
            }
            finally
            {
                File.Delete(local);
                File.Delete(back);
            }
        }),
        new("end conversation", 5, [], async step => await step.Sessions.EndSessionAsync(step.ConversationKey, step.CancellationToken)),
    ];

    /// <summary>The start of a conversation's sandbox, which a worker does whenever its conversation has none.</summary>
    public static SoakOperation Start { get; } = new("start sandbox", 0, [EngineFault], async step => await step.SessionAsync());

    private static void Expect(string expected, string? actual) => Check(actual == expected, expected, actual);

    private static void Check(bool ok, string expected, string? actual)
    {
        if (!ok)
        {
            var shown = actual is null ? "nothing" : actual.Length > 300 ? actual[..300] + "..." : actual;
            throw new SoakCheckException($"expected {expected}, got {shown}");
        }
    }
}
