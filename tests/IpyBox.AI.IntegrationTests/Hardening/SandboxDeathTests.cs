namespace IpyBox.AI.IntegrationTests.Hardening;

/// <summary>
/// When a sandbox does die, the error names the cause the engine knows (its exit, the signal that killed it, its memory
/// limit), not the transport error the host met first.
/// </summary>
public sealed class SandboxDeathTests
{
    [Fact]
    public async Task A_server_killed_while_a_timed_out_cell_ignores_the_interrupt_is_reported_as_the_sandbox_stopping()
    {
        await DockerEngine.EnsureAvailableAsync();
        await using var container = await ExecutionContainer.StartAsync();
        await using var client = await container.ConnectClientAsync(new ExecutionClientOptions { InterruptGracePeriod = TimeSpan.FromSeconds(2) });

        // The interrupt that the timeout sends kills the sandbox's server (the main process of its container), and the cell
        // goes on: the host then tries to restart a kernel whose server is gone.
        var error = await Assert.ThrowsAnyAsync<KernelUnavailableException>(() => client.ExecuteAsync("""
            import os, signal, time
            server = next(int(p) for p in os.listdir('/proc')
                          if p.isdigit() and b'jupyter_server' in open(f'/proc/{p}/cmdline', 'rb').read())
            signal.signal(signal.SIGINT, lambda *_: os.kill(server, signal.SIGKILL))
            while True:
                time.sleep(0.1)
            """, TimeSpan.FromSeconds(3)));

        // Either the dropped connection or the failed restart after the timeout meets the dead server first (a loaded
        // machine decides which); both name it, with the cause the engine reports.
        Assert.Contains("the sandbox's kernel server is gone", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("exit code 137: killed by SIGKILL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("An error occurred while sending the request", error.Message, StringComparison.Ordinal);
    }
}
