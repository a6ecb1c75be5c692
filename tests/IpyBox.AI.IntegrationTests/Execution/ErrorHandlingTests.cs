namespace IpyBox.AI.IntegrationTests;

[Collection(SandboxCollection.Name)]
public sealed class ErrorHandlingTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task Runtime_error_gives_name_value_and_plain_trace()
    {
        await using var client = await sandbox.ConnectAsync();
        var error = await Assert.ThrowsAsync<ExecutionException>(() => client.ExecuteAsync("def f():\n    return 1 / 0\nf()"));
        Assert.Equal("ZeroDivisionError: division by zero", error.Message);
        Assert.Equal("ZeroDivisionError", error.ErrorName);
        Assert.Equal("division by zero", error.ErrorValue);
        Assert.Contains("return 1 / 0", error.Trace);
        Assert.False(error.Trace.Contains('\u001b', StringComparison.Ordinal), "the trace must carry no ANSI escape codes");
    }

    [Fact]
    public async Task Syntax_error_gives_name_value_and_trace()
    {
        await using var client = await sandbox.ConnectAsync();
        var error = await Assert.ThrowsAsync<ExecutionException>(() => client.ExecuteAsync("def broken(:\n    pass"));
        Assert.Equal("SyntaxError", error.ErrorName);
        Assert.StartsWith("SyntaxError: ", error.Message);
        Assert.Contains("def broken(:", error.Trace);
        Assert.False(error.Trace.Contains('\u001b', StringComparison.Ordinal), "the trace must carry no ANSI escape codes");
    }

    [Fact]
    public async Task The_client_works_after_an_error_with_a_large_traceback()
    {
        await using var client = await sandbox.ConnectAsync();
        await Assert.ThrowsAsync<ExecutionException>(() => client.ExecuteAsync("def r(n):\n    return r(n + 1)\nr(0)"));
        Assert.Equal("ok", (await client.ExecuteAsync("print('ok')")).Text);
    }

    [Fact]
    public async Task Timeout_interrupts_the_kernel_and_keeps_state()
    {
        await using var client = await sandbox.ConnectAsync();
        var error = await Assert.ThrowsAsync<ExecutionTimeoutException>(() => client.ExecuteAsync("a = 5\nwhile True:\n    pass", TimeSpan.FromSeconds(1)));
        Assert.Contains("interrupted", error.Message);
        Assert.Equal("5", (await client.ExecuteAsync("print(a)")).Text);
    }

    [Fact]
    public async Task Cancellation_interrupts_the_kernel_and_keeps_state()
    {
        await using var client = await sandbox.ConnectAsync();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.ExecuteAsync("b = 6\nimport time\nwhile True:\n    time.sleep(0.01)", cancellationToken: cancellation.Token));
        Assert.Equal("6", (await client.ExecuteAsync("print(b)")).Text);
    }

    [Fact]
    public async Task Cancelling_a_stream_interrupts_the_execution()
    {
        await using var client = await sandbox.ConnectAsync();
        var execution = await client.SubmitAsync("import time\nfor i in range(1000):\n    print(i, flush=True)\n    time.sleep(0.1)");
        using var cancellation = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in execution.StreamAsync(cancellation.Token))
            {
                if (++seen == 2)
                {
                    await cancellation.CancelAsync();
                }
            }
        });
        Assert.Equal("after", (await client.ExecuteAsync("print('after')")).Text);
    }

    [Fact]
    public async Task A_kernel_that_dies_is_reported_at_once_and_the_client_keeps_working()
    {
        await using var client = await sandbox.ConnectAsync();
        await client.ExecuteAsync("lost = 1");
        var error = await Assert.ThrowsAsync<KernelDiedException>(() => client.ExecuteAsync("import os\nos._exit(1)", TimeSpan.FromMinutes(5)));
        Assert.Contains("state", error.Message);

        var restarted = await Assert.ThrowsAsync<ExecutionException>(() => client.ExecuteAsync("print(lost)"));
        Assert.Equal("NameError", restarted.ErrorName);
        Assert.Equal("fresh", (await client.ExecuteAsync("print('fresh')")).Text);
    }

    [Fact]
    public async Task An_execution_queued_behind_a_failing_one_still_runs()
    {
        await using var client = await sandbox.ConnectAsync();
        var failing = await client.SubmitAsync("import time\ntime.sleep(1)\nraise RuntimeError('first fails')");
        var queued = await client.SubmitAsync("print('second runs')");
        await Assert.ThrowsAsync<ExecutionException>(() => failing.GetResultAsync());
        Assert.Equal("second runs", (await queued.GetResultAsync()).Text);
    }

    [Fact]
    public async Task Outputs_of_a_timed_out_execution_do_not_leak_into_the_next()
    {
        await using var client = await sandbox.ConnectAsync();
        await Assert.ThrowsAsync<ExecutionTimeoutException>(() => client.ExecuteAsync(
            "import time\ntry:\n    time.sleep(30)\nexcept KeyboardInterrupt:\n    print('late output ' * 1000)\n    raise", TimeSpan.FromSeconds(1)));
        Assert.Equal("clean", (await client.ExecuteAsync("print('clean')")).Text);
    }
}
