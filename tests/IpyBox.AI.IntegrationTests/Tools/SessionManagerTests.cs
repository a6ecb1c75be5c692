using System.Globalization;

namespace IpyBox.AI.IntegrationTests.Tools;

/// <summary>Lifecycle of the per-conversation sandboxes, checked against the real engine.</summary>
public sealed class SessionManagerTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task First_use_creates_a_sandbox_and_later_calls_reuse_it()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var first = await scope.SessionAsync("t1");
        await first.ExecuteAsync("value = 5");
        var again = await scope.SessionAsync("t1");

        Assert.Same(first, again);
        Assert.Equal("5", (await again.ExecuteAsync("print(value)")).Text);
        Assert.Equal(1, scope.Manager.Count);
    }

    [Fact]
    public async Task The_container_carries_its_conversation_so_cleanup_can_find_it()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var key = $"labelled-{Guid.NewGuid():N}";
        var session = await scope.SessionAsync(key);
        await scope.SessionAsync("another");

        var found = Assert.Single(await ManagedContainers.ListAsync(new ManagedContainerFilter { ConversationKey = key }));

        Assert.Equal(session.SandboxId, found.Id);
        Assert.Equal(key, found.ConversationKey);
    }

    [Fact]
    public async Task An_idle_sandbox_is_removed_after_the_idle_timeout()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { SessionIdleTimeout = TimeSpan.FromSeconds(1) });
        var session = await scope.SessionAsync("idle");
        await session.ExecuteAsync("x = 1");

        await WaitUntilAsync(async () => scope.Manager.Count == 0 && !await DockerEngine.ContainerExistsAsync(session.SandboxId));

        Assert.True(session.IsDisposed);
        var fresh = await scope.SessionAsync("idle");
        Assert.NotEqual(session.SandboxId, fresh.SandboxId);
        var error = await Assert.ThrowsAsync<ExecutionException>(() => fresh.ExecuteAsync("x"));
        Assert.Equal("NameError", error.ErrorName);
    }

    [Fact]
    public async Task A_busy_sandbox_is_not_removed_for_idleness_during_a_long_call()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { SessionIdleTimeout = TimeSpan.FromSeconds(1) });
        var session = await scope.SessionAsync("busy");

        var result = await session.ExecuteAsync("import time\ntime.sleep(3)\nprint('finished')");

        Assert.Equal("finished", result.Text);
        Assert.False(session.IsDisposed);
    }

    [Fact]
    public async Task At_the_cap_with_reject_a_new_conversation_gets_a_clear_error()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { MaxSessions = 1, SessionLimitBehavior = SessionLimitBehavior.Reject });
        await scope.SessionAsync("first");

        var error = await Assert.ThrowsAsync<SessionLimitException>(() => scope.Manager.GetOrCreateAsync("second"));
        Assert.Contains("MaxSessions", error.Message, StringComparison.Ordinal);

        var toolResult = await scope.Manager.CreatePlugin("second").ListFilesAsync();
        Assert.StartsWith("Error: Cannot create a sandbox for conversation 'second'", toolResult, StringComparison.Ordinal);
        Assert.Equal(["first"], scope.Manager.ConversationKeys);
    }

    [Fact]
    public async Task At_the_cap_with_eviction_the_least_recently_used_sandbox_is_removed()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { MaxSessions = 2, SessionLimitBehavior = SessionLimitBehavior.EvictLeastRecentlyUsed });
        var a = await scope.SessionAsync("a");
        var b = await scope.SessionAsync("b");
        await a.ExecuteAsync("1");
        await b.ExecuteAsync("1");
        await a.ExecuteAsync("1"); // b is now the least recently used

        var c = await scope.SessionAsync("c");

        Assert.True(b.IsDisposed);
        Assert.False(await DockerEngine.ContainerExistsAsync(b.SandboxId));
        Assert.False(a.IsDisposed);
        Assert.Equal(["a", "c"], scope.Manager.ConversationKeys.Order());
        Assert.Equal("2", (await c.ExecuteAsync("print(1 + 1)")).Text);
    }

    [Fact]
    public async Task Disposing_the_manager_removes_every_container_it_created()
    {
        var scope = await SessionManagerScope.CreateAsync();
        SandboxSession[] sessions;
        try
        {
            sessions = await Task.WhenAll(scope.SessionAsync("one"), scope.SessionAsync("two"), scope.SessionAsync("three"));
            Assert.Equal(3, sessions.Select(s => s.SandboxId).Distinct().Count());
            foreach (var session in sessions)
            {
                Assert.True(await DockerEngine.ContainerExistsAsync(session.SandboxId));
            }
        }
        finally
        {
            await scope.DisposeAsync(); // asserts through the Docker API that every container is gone
        }

        Assert.All(sessions, s => Assert.True(s.IsDisposed));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => scope.Manager.GetOrCreateAsync("four"));
    }

    [Fact]
    public async Task Ending_a_session_removes_its_container()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var session = await scope.SessionAsync("ending");

        Assert.True(await scope.Manager.EndSessionAsync("ending"));

        Assert.False(await DockerEngine.ContainerExistsAsync(session.SandboxId));
        Assert.False(await scope.Manager.EndSessionAsync("ending"));
    }

    [Fact]
    public async Task Calls_in_one_conversation_run_one_at_a_time_and_conversations_run_in_parallel()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var x = await scope.SessionAsync("x");
        var y = await scope.SessionAsync("y");
        const string Span = "import time\nstart = time.time()\ntime.sleep(1.5)\nprint(start, time.time())";

        // Two calls in x and one in y, all at once.
        var calls = await Task.WhenAll(
            x.RunAsync(async (client, ct) => (await client.ExecuteAsync(Span, cancellationToken: ct)).Text),
            x.RunAsync(async (client, ct) => (await client.ExecuteAsync(Span, cancellationToken: ct)).Text),
            y.RunAsync(async (client, ct) => (await client.ExecuteAsync(Span, cancellationToken: ct)).Text));

        var x1 = Interval(calls[0]);
        var x2 = Interval(calls[1]);
        var y1 = Interval(calls[2]);
        Assert.False(Overlap(x1, x2), $"calls in one conversation overlapped: {x1} {x2}");
        Assert.True(Overlap(x1, y1) || Overlap(x2, y1), $"conversations did not run in parallel: {x1} {x2} {y1}");
    }

    private static (double Start, double End) Interval(string? text)
    {
        var parts = text!.Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static bool Overlap((double Start, double End) a, (double Start, double End) b) => a.Start < b.End && b.Start < a.End;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + s_deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the condition did not hold within {s_deadline.TotalSeconds} s");
            await Task.Delay(100);
        }
    }
}
