using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ModelContextProtocol.Protocol;

namespace IpyBox.AI.Cli.Tests.Serve;

/// <summary>SIGTERM drains <c>ipybox serve</c>: no new calls, running cells finish within the grace period or are interrupted, the sandboxes stay.</summary>
public sealed class ServeShutdownTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => ServeProcess.RemoveSandboxesAsync(_runId);

    [Fact]
    public async Task SIGTERM_lets_a_cell_finish_within_the_grace_period_interrupts_a_longer_one_refuses_new_calls_and_keeps_the_sandboxes()
    {
        string quick;
        string slow;
        var gate = $"/tmp/gate-{Guid.NewGuid():N}";
        await using (var server = await ServeProcess.StartAsync(_runId, "--shutdown-timeout", "20s"))
        {
            await using var client = await server.ConnectAsync("alice");
            quick = await ServeProcess.CreateSandboxAsync(client);
            slow = await ServeProcess.CreateSandboxAsync(client);
            await ServeProcess.ExecuteAsync(client, slow, "x = 41");

            var quickProgress = new RecordingProgress();
            var quickWaiting = quickProgress.WaitForAsync("waiting");
            var quickCall = client.CallToolAsync(
                "execute_ipython_cell",
                new Dictionary<string, object?>
                {
                    ["sandbox_id"] = quick,
                    ["code"] = $$"""
                        import os, time
                        print("waiting", flush=True)
                        for _ in range(1800):
                            if os.path.exists("{{gate}}"):
                                print("released")
                                break
                            time.sleep(0.1)
                        else:
                            print("gave up")
                        """,
                },
                quickProgress);
            var slowProgress = new RecordingProgress();
            var slowSleeping = slowProgress.WaitForAsync("sleeping");
            var slowCall = client.CallToolAsync(
                "execute_ipython_cell",
                new Dictionary<string, object?>
                {
                    ["sandbox_id"] = slow,
                    ["code"] = "import time\nprint('sleeping', flush=True)\ntry:\n    time.sleep(600)\nexcept KeyboardInterrupt:\n    x += 1\n    raise",
                    ["timeout"] = 900,
                },
                slowProgress);
            await Task.WhenAll(quickWaiting, slowSleeping);

            await server.TerminateAsync();
            await WaitForLogAsync(server, "Stopping: new calls are refused");

            // A new call is not served: 503 while the listener still takes it, or no connection at all.
            Assert.True(await IsRefusedAsync(server), "A call after SIGTERM was served.");

            // The cell that can end within the grace period does, and its caller gets the result.
            await ServeProcess.TouchAsync(quick, gate);
            var quickResult = await quickCall;
            Assert.NotEqual(true, quickResult.IsError);
            Assert.Contains("released", ServeProcess.TextOf(quickResult), StringComparison.Ordinal);

            // The cell that outlasts it is interrupted, with an error that says why.
            var slowResult = await slowCall;
            Assert.True(slowResult.IsError);
            Assert.Contains("the service is stopping", ServeProcess.TextOf(slowResult), StringComparison.Ordinal);
            Assert.Equal("failed", slowResult.StructuredContent?.GetProperty("status").GetString());

            using var exit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            Assert.Equal(0, await server.WaitForExitAsync(exit.Token));
            Assert.Contains("Stopped; the sandboxes stay on the engine", server.Stderr, StringComparison.Ordinal);
        }

        // Both sandboxes stay for their leases; a new service serves them, kernel state included (the interrupt ran the handler).
        Assert.True(await DockerEngine.ContainerExistsAsync(quick));
        Assert.True(await DockerEngine.ContainerExistsAsync(slow));
        await using var restarted = await ServeProcess.StartAsync(_runId);
        await using var again = await restarted.ConnectAsync("alice");
        Assert.Equal("42", (await ServeProcess.ExecuteAsync(again, slow, "print(x)")).Trim());
        Assert.Equal("released", (await ServeProcess.ExecuteAsync(again, quick, "print('released')")).Trim());
    }

    [Fact]
    public async Task A_shutdown_timeout_that_is_not_a_duration_is_refused_at_start()
    {
        var result = await IpyBoxTool.RunAsync(["serve", "--shutdown-timeout", "soon"], deadline: TimeSpan.FromMinutes(1));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--shutdown-timeout 'soon' is not a duration", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task WaitForLogAsync(ServeProcess server, string text)
    {
        for (var i = 0; i < 600 && !server.Stderr.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains(text, server.Stderr, StringComparison.Ordinal);
    }

    private static async Task<bool> IsRefusedAsync(ServeProcess server)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServeProcess.Tokens["alice"]);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        try
        {
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.ServiceUnavailable;
        }
        catch (HttpRequestException)
        {
            return true;
        }
    }
}
