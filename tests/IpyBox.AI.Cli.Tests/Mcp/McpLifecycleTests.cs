using System.Diagnostics;

namespace IpyBox.AI.Cli.Tests.Mcp;

/// <summary>The sandbox of <c>ipybox mcp</c> starts with the process and is removed when the client goes or the process is stopped.</summary>
public sealed class McpLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromMinutes(2);
    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => DockerEngine.RemoveAllAsync(_runId);

    [Fact]
    public async Task The_container_is_removed_when_the_client_disconnects()
    {
        var client = await McpServerFixture.StartAsync(_runId, stderr: null);
        try
        {
            var result = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = "print('up')" });
            Assert.Equal("up", McpServerFixture.TextOf(result).Trim());
            Assert.Single(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));

            // Started without --allowed-dir: file transfer is refused with a hint.
            var upload = await client.CallToolAsync("upload_file", new Dictionary<string, object?> { ["relpath"] = "x.txt", ["local_path"] = IpyBoxTool.AssemblyPath });
            Assert.True(upload.IsError);
            Assert.Contains("--allowed-dir", McpServerFixture.TextOf(upload), StringComparison.Ordinal);
        }
        finally
        {
            await client.DisposeAsync();
        }

        Assert.Empty(await DockerEngine.WaitForAsync(_runId, present: false, s_deadline));
    }

    [Theory]
    [InlineData("import time\ntime.sleep(600)")]
    [InlineData("while True:\n    pass")]
    public async Task A_client_that_disconnects_during_a_call_ends_the_call_and_the_container_goes_at_once(string cell)
    {
        var client = await McpServerFixture.StartAsync(_runId, stderr: null);
        Task<ModelContextProtocol.Protocol.CallToolResult> call;
        try
        {
            Assert.Equal("up", McpServerFixture.TextOf(await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = "print('up')" })).Trim());
            call = client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = cell, ["timeout"] = 900 }).AsTask();
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(call.IsCompleted);
        }
        finally
        {
            // Closes the server's stdin and waits for it to exit (killing it after the transport's shutdown timeout, which
            // would leave the container behind as an orphan).
            await client.DisposeAsync();
        }

        Assert.Empty(await DockerEngine.WaitForAsync(_runId, present: false, TimeSpan.FromSeconds(20)));
        await Assert.ThrowsAnyAsync<Exception>(() => call);
    }

    [Fact]
    public async Task Without_an_engine_the_log_a_client_shows_its_user_says_why_in_lines_without_stack_frames()
    {
        var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var transport = new ModelContextProtocol.Client.StdioClientTransport(new ModelContextProtocol.Client.StdioClientTransportOptions
        {
            Name = "ipybox",
            Command = IpyBoxTool.DotnetPath,
            Arguments = IpyBoxTool.Arguments(["mcp", "--label", $"{DockerEngine.TestLabel}={_runId}"]),
            EnvironmentVariables = new Dictionary<string, string?> { ["DOCKER_HOST"] = "tcp://127.0.0.1:1" },
            StandardErrorLines = stderr.Enqueue,
            ShutdownTimeout = TimeSpan.FromSeconds(30),
        });
        await using (var client = await ModelContextProtocol.Client.McpClient.CreateAsync(transport))
        {
            var result = await client.CallToolAsync("execute_ipython_cell", new Dictionary<string, object?> { ["code"] = "print(1)" });
            Assert.True(result.IsError);
            Assert.Contains("No Docker engine answers", McpServerFixture.TextOf(result), StringComparison.Ordinal);
        }

        var lines = stderr.ToList();
        Assert.Contains(lines, l => l.Contains("No Docker engine answers at tcp://127.0.0.1:1/", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l.Length < 1000, l));
    }

    [Fact]
    public async Task The_container_starts_at_launch_and_is_removed_on_SIGTERM()
    {
        using var server = StartServerProcess();
        try
        {
            // No tool call is made: the container starts in the background as soon as the server runs.
            Assert.NotEmpty(await DockerEngine.WaitForAsync(_runId, present: true, s_deadline));

            await SignalAsync(server, "TERM");
            using var exit = new CancellationTokenSource(s_deadline);
            await server.WaitForExitAsync(exit.Token);
        }
        finally
        {
            KillIfRunning(server);
        }

        Assert.Empty(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
    }

    [Fact]
    public async Task Cleanup_removes_the_orphan_of_a_killed_server()
    {
        using var server = StartServerProcess();
        try
        {
            Assert.NotEmpty(await DockerEngine.WaitForAsync(_runId, present: true, s_deadline));
            server.Kill();
            await server.WaitForExitAsync();
        }
        finally
        {
            KillIfRunning(server);
        }

        var orphan = Assert.Single(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));

        var cleanup = await IpyBoxTool.RunAsync(["cleanup", "--orphaned", "--label", $"{DockerEngine.TestLabel}={_runId}"]);

        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        Assert.Contains($"Removed {orphan.ID[..12]}", cleanup.Stdout, StringComparison.Ordinal);
        Assert.Empty(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
    }

    private Process StartServerProcess()
    {
        var start = new ProcessStartInfo(IpyBoxTool.DotnetPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in IpyBoxTool.Arguments("mcp", "--label", $"{DockerEngine.TestLabel}={_runId}"))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task SignalAsync(Process process, string signal)
    {
        var kill = await IpyBoxTool.RunProcessAsync("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(kill.ExitCode == 0, kill.ToString());
    }

    private static void KillIfRunning(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
    }
}
