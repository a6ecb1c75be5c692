using Docker.DotNet;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace IpyBox.AI.IntegrationTests.Sandboxes;

/// <summary>The warm pool over the real Docker provider: real containers, real kernels, checked through the Docker API.</summary>
public sealed class WarmPoolTests : IAsyncLifetime
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(90);

    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    /// <summary>The backstop when an assertion failed before the pool or the manager cleaned up.</summary>
    public Task DisposeAsync() => DockerEngine.RemoveAllAsync(_runId);

    [Fact]
    public async Task A_variable_and_a_file_from_one_conversation_are_absent_in_the_next_sandbox_handed_out()
    {
        await using var pool = new PoolingSandboxProvider(CreateDockerProvider(), new WarmPoolOptions { MinWarm = 1, MaxTotal = 4 });
        await pool.FillAsync();
        await using var manager = new SandboxSessionManager(pool);

        var a = await manager.GetOrCreateAsync("a");
        Assert.Equal("1", (await a.ExecuteAsync("print(get_ipython().execution_count)")).Text); // nothing ran before
        await a.ExecuteAsync("secret = 42\nwith open('left-behind.txt', 'w') as f:\n    f.write('from a')");
        Assert.Contains(await a.Sandbox.Files.ListAsync(), f => f.Name == "left-behind.txt");
        var used = a.SandboxId;
        Assert.True(await manager.EndSessionAsync("a"));
        Assert.False(await DockerEngine.ContainerExistsAsync(used));

        await pool.FillAsync();
        var b = await manager.GetOrCreateAsync("b");

        Assert.NotEqual(used, b.SandboxId);
        Assert.Equal("1", (await b.ExecuteAsync("print(get_ipython().execution_count)")).Text);
        var error = await Assert.ThrowsAsync<ExecutionException>(() => b.ExecuteAsync("secret"));
        Assert.Equal("NameError", error.ErrorName);
        Assert.DoesNotContain(await b.Sandbox.Files.ListAsync(), f => f.Name == "left-behind.txt");
        Assert.Equal("False", (await b.ExecuteAsync("import os\nprint(os.path.exists('/app/left-behind.txt'))")).Text);
        var statistics = pool.GetStatistics();
        Assert.Equal(2, statistics.HandedOut);
        Assert.Equal(0, statistics.ColdStarts);

        // Pooled containers carry the pool's label, not a conversation they could not know when they were created.
        var pooled = await DockerEngine.ListAsync(ContainerLabels.Pool, pool.PoolId);
        Assert.Contains(pooled, c => c.ID == b.SandboxId);
        Assert.All(pooled, c => Assert.False(c.Labels.ContainsKey(ContainerLabels.Conversation)));
    }

    [Fact]
    public async Task The_warm_up_of_a_ready_sandbox_leaves_no_trace_in_its_kernel()
    {
        const string trace = "print(get_ipython().execution_count, len(In), len(Out), sorted(k for k in globals() if not k.startswith('_')))";
        var docker = CreateDockerProvider();
        await using var pool = new PoolingSandboxProvider(docker, new WarmPoolOptions { MinWarm = 1, MaxTotal = 3 });
        await pool.FillAsync();
        await using var cold = await docker.CreateAsync();

        await using var pooled = await pool.CreateAsync(new SandboxRequest { ConversationKey = "warmed" });
        var warmed = (await pooled.ExecuteAsync(trace)).Text;
        var history = (await pooled.ExecuteAsync("%history -n")).Text;

        Assert.Equal((await cold.ExecuteAsync(trace)).Text, warmed);
        Assert.StartsWith("1 2 0 [", warmed, StringComparison.Ordinal);
        Assert.Equal($"1: {trace}\n   2: %history -n", history);
    }

    [Fact]
    public async Task A_killed_ready_container_is_discarded_not_handed_out()
    {
        await using var pool = new PoolingSandboxProvider(CreateDockerProvider(), new WarmPoolOptions { MinWarm = 1, MaxTotal = 3 });
        await pool.FillAsync();
        var ready = Assert.Single(await DockerEngine.ListAsync(ContainerLabels.Pool, pool.PoolId));

        await DockerEngine.KillAsync(ready.ID);
        await WaitUntilAsync(async () => !await IsRunningAsync(ready.ID));
        await using var sandbox = await pool.CreateAsync(new SandboxRequest { ConversationKey = "after-kill" });

        Assert.NotEqual(ready.ID, sandbox.Id);
        Assert.Equal("2", (await sandbox.ExecuteAsync("print(1 + 1)")).Text);
        var statistics = pool.GetStatistics();
        Assert.Equal(1, statistics.Discarded);
        Assert.Equal(1, statistics.HandedOut);
        await WaitUntilAsync(async () => !await DockerEngine.ContainerExistsAsync(ready.ID));
    }

    [Fact]
    public async Task Disposing_the_pool_removes_its_ready_sandboxes_and_the_refill_under_way()
    {
        var pool = new PoolingSandboxProvider(CreateDockerProvider(), new WarmPoolOptions { MinWarm = 2, MaxTotal = 4 });
        await pool.FillAsync();
        var handedOut = await pool.CreateAsync(); // starts a refill

        await pool.DisposeAsync();

        var left = await DockerEngine.ListAsync(ContainerLabels.Pool, pool.PoolId);
        Assert.Equal([handedOut.Id], left.Select(c => c.ID)); // the handed-out sandbox belongs to its caller
        Assert.Equal("3", (await handedOut.ExecuteAsync("print(1 + 2)")).Text);
        await handedOut.DisposeAsync();
        Assert.Empty(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
        Assert.Equal(0, pool.GetStatistics().Total);
    }

    [Fact]
    public async Task Disposing_the_service_provider_removes_the_conversations_and_the_ready_containers()
    {
        var services = new ServiceCollection();
        services.AddIpyBox(o => o.Container.Labels[DockerEngine.TestLabel] = _runId).UseWarmPool(o => o.MinWarm = 2);
        var provider = services.BuildServiceProvider();
        try
        {
            var pool = provider.GetRequiredService<PoolingSandboxProvider>();
            await pool.FillAsync();
            var execute = provider.GetRequiredService<IpyBoxPlugin>().AsAIFunctions().Single(f => f.Name == "execute_python");
            using (IpyBoxConversation.Begin("pooled"))
            {
                var result = (IEnumerable<AIContent>)(await execute.InvokeAsync(new AIFunctionArguments { ["code"] = "print('from the pool')" }))!;
                Assert.Equal("from the pool", Assert.Single(result.OfType<TextContent>()).Text);
            }

            await pool.FillAsync();
            Assert.Equal(1, pool.GetStatistics().HandedOut);
            Assert.Equal(3, (await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId)).Count);
        }
        finally
        {
            await provider.DisposeAsync();
        }

        Assert.Empty(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
    }

    private DockerSandboxProvider CreateDockerProvider()
    {
        var options = new ExecutionContainerOptions();
        options.Labels[DockerEngine.TestLabel] = _runId;
        return new DockerSandboxProvider(options);
    }

    private static async Task<bool> IsRunningAsync(string id)
    {
        using var client = DockerEngine.CreateClient();
        try
        {
            return (await client.Containers.InspectContainerAsync(id)).State?.Running == true;
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Waits for the engine to reach a state; the deadline only keeps a broken test from hanging.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + s_deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the engine did not reach the expected state");
            await Task.Delay(100);
        }
    }
}
