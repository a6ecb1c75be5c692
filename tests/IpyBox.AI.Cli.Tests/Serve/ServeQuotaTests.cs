namespace IpyBox.AI.Cli.Tests.Serve;

/// <summary>The per-principal quotas of <c>ipybox serve</c>: sandboxes and concurrent executions.</summary>
public sealed class ServeQuotaTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => ServeProcess.RemoveSandboxesAsync(_runId);

    [Fact]
    public async Task A_principal_beyond_its_sandboxes_or_executions_gets_a_clear_error_and_others_are_not_held_back()
    {
        await using var server = await ServeProcess.StartAsync(_runId, "--max-sandboxes", "1", "--max-executions", "1");
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");
        var id = await ServeProcess.CreateSandboxAsync(alice);

        var second = await ServeProcess.CallAsync(alice, "create_sandbox");
        Assert.True(second.IsError);
        Assert.Contains("you have 1 sandboxes, the most this service allows per principal (1)", ServeProcess.TextOf(second), StringComparison.Ordinal);
        Assert.Contains("delete_sandbox", ServeProcess.TextOf(second), StringComparison.Ordinal);
        var bobs = await ServeProcess.CreateSandboxAsync(bob);

        // A cell that says it started and runs until the test lets it finish, both through files the engine reads and writes
        // beside the busy kernel (calls on one sandbox queue behind the cell, so none could).
        var running = ServeProcess.CallAsync(alice, "execute_ipython_cell", new()
        {
            ["sandbox_id"] = id,
            ["code"] = "import os, time\nopen('/app/started', 'w').close()\nwhile not os.path.exists('/app/release'): time.sleep(0.05)\nprint('released')",
        });
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (await ExecAsync(id, "test", "-e", "/app/started") != 0)
        {
            Assert.False(running.IsCompleted, "The cell's call ended before the cell started.");
            Assert.True(DateTime.UtcNow < deadline, "The cell did not start.");
            await Task.Delay(100);
        }

        var refused = await ServeProcess.CallAsync(alice, "execute_ipython_cell", new() { ["sandbox_id"] = id, ["code"] = "print(1)" });
        Assert.True(refused.IsError);
        Assert.Contains("you already run 1 cells or installations at once", ServeProcess.TextOf(refused), StringComparison.Ordinal);
        Assert.Equal("3", (await ServeProcess.ExecuteAsync(bob, bobs, "print(1 + 2)")).Trim());

        Assert.Equal(0, await ExecAsync(id, "touch", "/app/release"));
        Assert.Equal("released", ServeProcess.TextOf(await running).Trim());
        Assert.Equal("1", (await ServeProcess.ExecuteAsync(alice, id, "print(1)")).Trim());
    }

    /// <summary>Runs a command in the sandbox's container through the engine, beside its busy kernel, and returns its exit code.</summary>
    private static async Task<long> ExecAsync(string id, params string[] command)
    {
        using var docker = DockerEngine.CreateClient();
        var exec = await docker.Exec.CreateContainerExecAsync(id, new Docker.DotNet.Models.ContainerExecCreateParameters
        {
            Cmd = command,
            AttachStdout = true,
            AttachStderr = true,
        });
        using (var stream = await docker.Exec.StartContainerExecAsync(exec.ID, new Docker.DotNet.Models.ContainerExecStartParameters()))
        {
            await stream.ReadOutputToEndAsync(CancellationToken.None);
        }

        while (true)
        {
            var state = await docker.Exec.InspectContainerExecAsync(exec.ID);
            if (!state.Running && state.ExitCode is { } code)
            {
                return code;
            }

            await Task.Delay(20);
        }
    }
}
