namespace IpyBox.AI.Tests;

/// <summary>
/// The last step of the timeout escalation: a cell that ignores the interrupt makes the client restart the kernel, and when
/// that restart fails too, the client says so and refuses further work, so its owner replaces the sandbox.
/// </summary>
public sealed class RestartAfterTimeoutTests : IDisposable
{
    private readonly ScriptedKernelServer _server = new();

    [Fact]
    public async Task A_failed_restart_of_an_unresponsive_kernel_makes_the_client_unusable_with_a_clear_error()
    {
        var options = new ExecutionClientOptions { InterruptGracePeriod = TimeSpan.Zero, RestartUnresponsiveKernel = true };
        await using var client = new ExecutionClient(_server.Uri, "token", options);
        await client.ConnectAsync();

        var error = await Assert.ThrowsAsync<KernelUnavailableException>(
            () => client.ExecuteAsync("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: time.sleep(1)", TimeSpan.FromSeconds(1)));

        Assert.Contains("did not finish within 1 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("still running after the interrupt and the kernel could not be restarted", error.Message, StringComparison.Ordinal);
        Assert.Contains("This client is unusable: create a new one", error.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Contains("POST /base/api/kernels/kernel-1/restart", Snapshot());

        var refused = await Assert.ThrowsAsync<KernelUnavailableException>(() => client.SubmitAsync("1 + 1"));
        Assert.Same(error, refused);
        Assert.Equal(1, Snapshot().Count(r => r == "ws execute_request"));
    }

    public void Dispose() => _server.Dispose();

    private List<string> Snapshot()
    {
        lock (_server.Requests)
        {
            return [.. _server.Requests];
        }
    }
}
