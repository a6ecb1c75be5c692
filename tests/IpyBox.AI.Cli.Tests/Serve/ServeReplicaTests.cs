using System.Text.Json;

namespace IpyBox.AI.Cli.Tests.Serve;

/// <summary>Sandboxes of <c>ipybox serve</c> outlive the process that created them: a second replica and a restarted service serve them by id.</summary>
public sealed class ServeReplicaTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => ServeProcess.RemoveSandboxesAsync(_runId);

    [Fact]
    public async Task A_second_replica_serves_the_id_the_first_created_and_a_restarted_service_finds_it()
    {
        string id;
        await using (var first = await ServeProcess.StartAsync(_runId))
        await using (var second = await ServeProcess.StartAsync(_runId))
        {
            await using var viaFirst = await first.ConnectAsync("alice");
            await using var viaSecond = await second.ConnectAsync("alice");
            await using var bobViaSecond = await second.ConnectAsync("bob");
            id = await ServeProcess.CreateSandboxAsync(viaFirst);
            await ServeProcess.ExecuteAsync(viaFirst, id, "x = 41");

            // The client alternates between the replicas on one sandbox, its kernel state included.
            Assert.Equal("42", (await ServeProcess.ExecuteAsync(viaSecond, id, "x += 1\nprint(x)")).Trim());
            Assert.Equal("43", (await ServeProcess.ExecuteAsync(viaFirst, id, "x += 1\nprint(x)")).Trim());
            Assert.True((await ServeProcess.CallAsync(bobViaSecond, "execute_ipython_cell", new() { ["sandbox_id"] = id, ["code"] = "print(x)" })).IsError);
        }

        // Both processes are gone (killed, as in a crash); the sandbox is kept by its lease.
        Assert.True(await DockerEngine.ContainerExistsAsync(id));
        await using var restarted = await ServeProcess.StartAsync(_runId);
        await using var again = await restarted.ConnectAsync("alice");
        var listed = JsonDocument.Parse(ServeProcess.TextOf(await ServeProcess.CallAsync(again, "list_sandboxes"))).RootElement;
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("43", (await ServeProcess.ExecuteAsync(again, id, "print(x)")).Trim());
        Assert.NotEqual(true, (await ServeProcess.CallAsync(again, "delete_sandbox", new() { ["sandbox_id"] = id })).IsError);
        Assert.False(await DockerEngine.ContainerExistsAsync(id));
    }
}
