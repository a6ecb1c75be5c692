using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.IntegrationTests;

/// <summary>What sandbox code can do to its client, against a real kernel: floods, bad messages, ignored interrupts, dropped connections.</summary>
[Collection(SandboxCollection.Name)]
public sealed class HostileKernelTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task One_huge_output_message_is_held_as_head_and_tail_and_the_client_keeps_working()
    {
        await using var client = await sandbox.ConnectAsync(new ExecutionClientOptions { MaxOutputLength = 100_000, MaxMessageSize = 1024 * 1024 });

        // One write without a newline becomes one stream message of 50 MB.
        var result = await client.ExecuteAsync("import sys\n_ = sys.stdout.write('HEAD' + 'x' * 50_000_000 + 'TAIL')", TimeSpan.FromMinutes(5));

        Assert.StartsWith("HEADxxx", result.Text);
        Assert.True(result.Text!.EndsWith("xxxTAIL", StringComparison.Ordinal), result.Text[^500..]);
        Assert.Contains("dropped", result.Text);
        Assert.True(result.Text!.Length < 100_000 + 1000, $"the result kept {result.Text.Length} characters");
        Assert.Equal("alive", (await client.ExecuteAsync("print('alive')")).Text);
    }

    [Fact]
    public async Task Images_over_the_message_limit_leave_markers_and_deep_json_is_kept_in_the_result_the_events_and_the_tool_text()
    {
        await using var client = await sandbox.ConnectAsync(new ExecutionClientOptions { MaxMessageSize = 1024 * 1024 });

        // A 1000x1000 PNG of noise is about 3 MB (4 MB of base64): shown alone, its base64 is cut to fit the 1 MiB limit; shown
        // as two representations (as a PIL image is, PNG and JPEG), the message stays too large and is dropped whole.
        var execution = await client.SubmitAsync("""
            import base64, os, struct, zlib
            from IPython.display import display, Image, JSON
            def chunk(kind, data):
                return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
            raw = b''.join(b'\x00' + os.urandom(3000) for _ in range(1000))
            big = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1000, 1000, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 1)) + chunk(b'IEND', b'')
            display(Image(big))
            print('between')
            encoded = base64.b64encode(big).decode()
            display({'image/png': encoded, 'image/jpeg': encoded, 'text/plain': 'big picture'}, raw=True)
            deep = 1
            for _ in range(500):
                deep = [deep]
            display(JSON(deep))
            print('done')
            """, TimeSpan.FromMinutes(2));
        var events = new List<ExecutionEvent>();
        await foreach (var output in execution.StreamEventsAsync())
        {
            events.Add(output);
        }

        var result = await execution.GetResultAsync();

        Assert.Empty(result.Images);
        Assert.Contains("[an image/png output was dropped: its kernel message exceeded the client's message limit", result.Text);
        Assert.Contains("[a display_data message (image/png, image/jpeg", result.Text);
        Assert.Equal(2, Regex.Count(result.Text!, "Raise ExecutionClientOptions.MaxMessageSize to receive it"));
        Assert.Matches("(?s)cannot be decoded.*between.*display_data message.*done", result.Text);
        var json = Assert.Single(result.RichOutputs);
        Assert.Equal("application/json", json.MediaType);
        Assert.StartsWith(new string('[', 500) + "1" + new string(']', 500), json.Content.Replace(" ", string.Empty, StringComparison.Ordinal));

        var dropped = events.OfType<OutputDroppedEvent>().ToList();
        Assert.Equal(2, dropped.Count);
        Assert.All(dropped, e => Assert.Equal("ExecutionClientOptions.MaxMessageSize", e.LimitOption));
        Assert.Contains("image/png output was dropped", dropped[0].Message);
        Assert.Contains("display_data message (image/png, image/jpeg", dropped[1].Message);
        Assert.Contains(events.OfType<DisplayDataEvent>(), e => e.RichOutputs is [{ MediaType: "application/json" }]);

        var toolText = Assert.IsType<TextContent>(ToolOutput.FromResult(result, new IpyBoxOptions())[0]).Text;
        Assert.Contains("image/png output was dropped", toolText);
        Assert.Contains("display_data message (image/png, image/jpeg", toolText);
        Assert.Contains("Raise ExecutionClientOptions.MaxMessageSize", toolText);
        Assert.Contains("[application/json output of", toolText);
        Assert.Equal("alive", (await client.ExecuteAsync("print('alive')")).Text);
    }

    [Fact]
    public async Task An_output_flood_that_times_out_ends_with_the_timeout_and_the_client_keeps_working()
    {
        await using var client = await sandbox.ConnectAsync(new ExecutionClientOptions { MaxOutputLength = 100_000, MaxMessageSize = 1024 * 1024 });

        // The kernel buffers output far faster than it can be sent, until the sandbox's output limit stops the cell
        // (OutputFloodTests): the timeout usually comes first, while that output is still on its way, and the kernel is
        // interrupted (or restarted); or the stop arrives first. Either way the call ends with a clear error and the
        // client stays usable.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.ExecuteAsync(
            "import sys\nchunk = 'y' * 100_000\nwhile True:\n    sys.stdout.write(chunk)", TimeSpan.FromSeconds(3)));

        Assert.True(error is TimeoutException or KernelDiedException or ExecutionException { ErrorName: "OutputLimitExceeded" }, error.ToString());
        Assert.Equal("alive", (await client.ExecuteAsync("print('alive')", TimeSpan.FromSeconds(60))).Text);
    }

    [Fact]
    public async Task A_message_with_a_lone_surrogate_escape_reaches_the_client_as_a_replacement_character()
    {
        await using var client = await sandbox.ConnectAsync();

        // The kernel's own serializer refuses lone surrogates; Python's json module writes them as "\ud800" escapes.
        var result = await client.ExecuteAsync("""
            import json
            from jupyter_client.jsonutil import json_default
            _session = get_ipython().kernel.session
            _pack = _session.pack
            _session.pack = lambda o: json.dumps(o, default=json_default).encode()
            try:
                print('a\ud800b', flush=True)
            finally:
                _session.pack = _pack
            """);

        Assert.Equal("a\uFFFDb", result.Text);
        Assert.Equal("alive", (await client.ExecuteAsync("print('alive')")).Text);
    }

    [Fact]
    public async Task Code_with_a_NUL_character_is_refused_before_it_is_sent()
    {
        await using var client = await sandbox.ConnectAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.ExecuteAsync("print('a')\0print('b')"));

        Assert.Equal("code", error.ParamName);
        Assert.Contains("NUL character", error.Message);
        Assert.Equal("alive", (await client.ExecuteAsync("print('alive')")).Text);
    }

    [Fact]
    public async Task Code_that_ignores_the_interrupt_gets_its_kernel_restarted_and_the_next_execution_runs()
    {
        await using var client = await sandbox.ConnectAsync(new ExecutionClientOptions { InterruptGracePeriod = TimeSpan.FromSeconds(2) });
        await client.ExecuteAsync("before = 1");

        // Caught as a plain TimeoutException, as code that handles timeouts does; the restart stays visible on it.
        var timeout = await Assert.ThrowsAnyAsync<TimeoutException>(() => client.ExecuteAsync(
            "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.05)", TimeSpan.FromSeconds(2)));

        var error = Assert.IsType<ExecutionTimeoutException>(timeout);
        Assert.True(error.KernelRestarted);
        Assert.False(Assert.IsType<ExecutionTimeoutException>(error.InnerException).KernelRestarted);
        Assert.Contains("kernel was restarted", error.Message);
        Assert.Contains("lost", error.Message);
        Assert.Equal("next", (await client.ExecuteAsync("print('next')", TimeSpan.FromSeconds(30))).Text);
        var gone = await Assert.ThrowsAsync<ExecutionException>(() => client.ExecuteAsync("print(before)"));
        Assert.Equal("NameError", gone.ErrorName);
    }

    [Fact]
    public async Task Without_restarts_code_that_ignores_the_interrupt_keeps_the_kernel_busy()
    {
        await using var client = await sandbox.ConnectAsync(new ExecutionClientOptions { InterruptGracePeriod = TimeSpan.FromSeconds(1), RestartUnresponsiveKernel = false });

        await Assert.ThrowsAsync<ExecutionTimeoutException>(() => client.ExecuteAsync(
            "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.05)", TimeSpan.FromSeconds(2)));

        await Assert.ThrowsAsync<ExecutionTimeoutException>(() => client.ExecuteAsync("print('queued')", TimeSpan.FromSeconds(2)));
        await client.RestartAsync();
        Assert.Equal("after restart", (await client.ExecuteAsync("print('after restart')", TimeSpan.FromSeconds(30))).Text);
    }

    [Fact]
    public async Task RestartAsync_gives_a_fresh_kernel_under_the_same_client()
    {
        await using var client = await sandbox.ConnectAsync();
        await client.ExecuteAsync("kept = 1");
        var kernelId = client.KernelId;

        await client.RestartAsync();

        Assert.Equal(kernelId, client.KernelId);
        var gone = await Assert.ThrowsAsync<ExecutionException>(() => client.ExecuteAsync("print(kept)"));
        Assert.Equal("NameError", gone.ErrorName);
    }

    [Fact]
    public async Task A_dropped_connection_is_opened_again_and_the_running_execution_finishes()
    {
        await using var proxy = new ConnectionDroppingProxy(sandbox.Container.ServerUri);
        await using var client = new ExecutionClient(proxy.Uri, sandbox.Container.Token);
        await client.ConnectAsync();
        await client.ExecuteAsync("state = 41");

        var execution = await client.SubmitAsync("import time\nprint('started', flush=True)\ntime.sleep(2)\nprint('finished', state + 1)");
        await using (var chunks = execution.StreamAsync().GetAsyncEnumerator())
        {
            Assert.True(await chunks.MoveNextAsync());
            Assert.Equal("started\n", chunks.Current);
            proxy.DropConnections();
        }

        var result = await execution.GetResultAsync();
        Assert.Equal("started\nfinished 42", result.Text);
        Assert.Equal("42", (await client.ExecuteAsync("print(state + 1)")).Text);
    }

    [Fact]
    public async Task A_dropped_connection_whose_kernel_was_deleted_fails_with_a_clear_error()
    {
        await using var proxy = new ConnectionDroppingProxy(sandbox.Container.ServerUri);
        await using var client = new ExecutionClient(proxy.Uri, sandbox.Container.Token);
        await client.ConnectAsync();
        using var http = new HttpClient { BaseAddress = sandbox.Container.ServerUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", sandbox.Container.Token);

        // Deleting a kernel interrupts it first; a cell that ignores the interrupt keeps running until the server kills
        // the kernel, so the execution cannot end with a KeyboardInterrupt before the connection drops.
        var running = await client.SubmitAsync("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(60)");
        (await http.DeleteAsync($"api/kernels/{client.KernelId}")).EnsureSuccessStatusCode();
        proxy.DropConnections();

        var error = await Assert.ThrowsAsync<KernelUnavailableException>(() => running.GetResultAsync());
        Assert.Contains("no longer exists", error.Message);
        var next = await Assert.ThrowsAsync<KernelUnavailableException>(() => client.ExecuteAsync("print(1)"));
        Assert.Contains("no longer exists", next.Message);
    }
}
