using Microsoft.Extensions.DependencyInjection;

namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/pool.md.</summary>
internal static class PoolPage
{
    public static async Task InCodeAsync()
    {
        // <in-code>
        await using var pool = new PoolingSandboxProvider(new DockerSandboxProvider(), new WarmPoolOptions { MinWarm = 2, MaxTotal = 6 });
        await using var manager = new SandboxSessionManager(pool, new IpyBoxOptions { MaxSessions = 4 });
        await pool.FillAsync(); // optional: wait until the pool is full

        // A new conversation's sandbox comes from the pool: its kernel is already up, the first cell runs at once.
        var session = await manager.GetOrCreateAsync("thread-1");
        var result = await session.ExecuteAsync("print(6 * 7)");
        Console.WriteLine(result.Text); // 42
        // </in-code>
    }

    public static async Task WithDependencyInjectionAsync()
    {
        // <di>
        var services = new ServiceCollection();
        services.AddIpyBox(options => options.MaxSessions = 4)
            .UseWarmPool(pool =>
            {
                pool.MinWarm = 2;
                pool.MaxTotal = 6;
            });
        await using var provider = services.BuildServiceProvider();

        // The AI tools and the session manager take their sandboxes from the pool.
        var tools = provider.GetRequiredService<SandboxTools>();
        var result = await tools.ExecuteAsync("thread-1", "print(6 * 7)");
        Console.WriteLine(result.Text); // 42
        // </di>
    }
}
