// WarmPool: new conversations get a sandbox that is already running instead of waiting for a container and a kernel.
// First in code (a pool over the Docker provider, under the session manager), then through dependency injection.
using IpyBox.AI;
using Microsoft.Extensions.DependencyInjection;

await using (var pool = new PoolingSandboxProvider(new DockerSandboxProvider(), new WarmPoolOptions { MinWarm = 2, MaxTotal = 6 }))
await using (var manager = new SandboxSessionManager(pool, new IpyBoxOptions { MaxSessions = 4 }))
{
    await pool.FillAsync(); // optional: wait until two sandboxes are ready

    var first = await manager.GetOrCreateAsync("thread-1"); // handed out from the pool
    await first.ExecuteAsync("secret = 42");
    await manager.EndSessionAsync("thread-1"); // removes the sandbox; it never returns to the pool

    var second = await manager.GetOrCreateAsync("thread-2"); // another ready sandbox, with nothing in it
    var result = await second.ExecuteAsync("print('secret' in globals())");
    Console.WriteLine($"thread-2 sees thread-1's variable: {result.Text}");
    Check(result.Text == "False", "a pooled sandbox was handed out twice");

    var statistics = pool.GetStatistics();
    Console.WriteLine($"In code: {statistics}");
    Check(statistics.HandedOut == 2 && statistics.ColdStarts == 0, "a conversation did not get a ready sandbox");
}

var services = new ServiceCollection();
services.AddIpyBox(options => options.MaxSessions = 4)
    .UseWarmPool(pool =>
    {
        pool.MinWarm = 2;
        pool.MaxTotal = 6; // MaxSessions + MinWarm: the pool never refuses a sandbox the manager allows
    });
await using (var provider = services.BuildServiceProvider()) // disposing removes the conversations' and the ready sandboxes
{
    var pool = provider.GetRequiredService<PoolingSandboxProvider>();
    await pool.FillAsync(); // resolving the pool at start-up starts filling it before the first conversation

    var session = await provider.GetRequiredService<SandboxSessionManager>().GetOrCreateAsync("thread-3");
    var result = await session.ExecuteAsync("print(6 * 7)");
    Console.WriteLine($"Through dependency injection: {result.Text}; {pool.GetStatistics()}");
    Check(result.Text == "42" && pool.GetStatistics().HandedOut == 1, "the conversation did not get a ready sandbox");
}

static void Check(bool condition, string failure)
{
    if (!condition)
    {
        throw new InvalidOperationException(failure);
    }
}
