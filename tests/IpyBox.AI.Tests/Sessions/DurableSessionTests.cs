using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests.Sessions;

/// <summary>
/// The session manager with <see cref="IpyBoxOptions.Durability"/> on a fake provider, a fake directory and a fake clock:
/// what it asks of the directory when a conversation starts, idles, is evicted, ends, and when a new manager (a restarted
/// process) meets the conversation again. The same against a real engine is in the integration tests.
/// </summary>
public sealed class DurableSessionTests
{
    private static readonly TimeSpan s_idle = TimeSpan.FromMinutes(10);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeSandboxProvider _provider = new();
    private readonly FakeSandboxDirectory _directory;

    public DurableSessionTests()
    {
        _directory = new FakeSandboxDirectory(_time);
        _provider.Directory = _directory;
        _provider.DirectoryClock = _time;
    }

    [Fact]
    public async Task A_new_conversation_gets_a_durable_sandbox_with_its_scope_and_key()
    {
        await using var manager = CreateManager(scope: "billing");

        var session = await manager.GetOrCreateAsync("thread-1");

        var request = Assert.Single(_provider.Requests);
        Assert.Equal("thread-1", request.ConversationKey);
        Assert.Equal(TimeSpan.FromMinutes(15), request.Lease);
        Assert.Equal("billing", request.Metadata[DurableSessionOptions.ScopeMetadataKey]);
        Assert.Equal("fake-1", session.SandboxId);
    }

    [Theory]
    [InlineData(SessionIdleAction.Stop, "Stop", SandboxState.Stopped, 7 * 24 * 60)]
    [InlineData(SessionIdleAction.Pause, "Pause", SandboxState.Paused, 60)]
    public async Task An_idle_sandbox_is_paused_or_stopped_for_its_retention_and_the_conversation_gets_it_back(
        SessionIdleAction action, string operation, SandboxState state, int retentionMinutes)
    {
        await using var manager = CreateManager(idleAction: action);
        await manager.GetOrCreateAsync("thread");

        _time.Advance(s_idle);
        await manager.SweepAsync();

        Assert.Equal(0, manager.Count);
        Assert.True(_provider.Sandboxes[0].IsDisposed);
        Assert.Contains($"{operation} fake-1", _directory.Calls);
        Assert.DoesNotContain("Delete fake-1", _directory.Calls);
        Assert.Equal(state, _directory["fake-1"]!.State);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(retentionMinutes), _directory["fake-1"]!.LeaseExpires);

        var back = await manager.GetOrCreateAsync("thread");

        Assert.Equal("fake-1", back.SandboxId);
        Assert.Equal(1, _provider.CreateCount);
        Assert.Contains("Attach fake-1", _directory.Calls);
    }

    [Fact]
    public async Task Idle_action_remove_deletes_the_sandbox()
    {
        await using var manager = CreateManager(idleAction: SessionIdleAction.Remove);
        await manager.GetOrCreateAsync("thread");

        _time.Advance(s_idle);
        await manager.SweepAsync();

        Assert.Contains("Delete fake-1", _directory.Calls);
        Assert.Null(_directory["fake-1"]);
    }

    [Fact]
    public async Task Ending_a_conversation_deletes_its_durable_sandbox()
    {
        await using var manager = CreateManager();
        await manager.GetOrCreateAsync("thread");

        Assert.True(await manager.EndSessionAsync("thread"));

        Assert.Contains("Delete fake-1", _directory.Calls);
        Assert.Null(_directory["fake-1"]);
    }

    [Fact]
    public async Task A_lost_durable_sandbox_is_left_and_the_next_call_attaches_to_it_again()
    {
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Fails(new SandboxUnavailableException("gone")));
        await using var manager = CreateManager();
        var first = await manager.GetOrCreateAsync("thread");

        await Assert.ThrowsAsync<SandboxUnavailableException>(() => first.ExecuteAsync("x"));
        var next = await manager.GetOrCreateAsync("thread");

        Assert.True(first.IsDisposed);
        Assert.DoesNotContain(_directory.Calls, call => call.StartsWith("Delete", StringComparison.Ordinal));
        Assert.Contains("Attach fake-1", _directory.Calls);
        Assert.Equal("fake-1", next.SandboxId);
        Assert.NotSame(first, next);
        Assert.Equal(1, _provider.CreateCount);
    }

    [Fact]
    public async Task Disposing_the_manager_leaves_durable_sandboxes_to_their_leases()
    {
        var manager = CreateManager();
        await manager.GetOrCreateAsync("a");
        await manager.GetOrCreateAsync("b");

        await manager.DisposeAsync();

        Assert.All(_provider.Sandboxes, sandbox => Assert.True(sandbox.IsDisposed));
        Assert.DoesNotContain(_directory.Calls, call => call.StartsWith("Delete", StringComparison.Ordinal) || call.StartsWith("Stop", StringComparison.Ordinal));
        Assert.Equal(SandboxState.Running, _directory["fake-1"]!.State);
        Assert.Equal(SandboxState.Running, _directory["fake-2"]!.State);
    }

    [Fact]
    public async Task A_new_manager_finds_the_conversation_sandbox_of_its_scope_only()
    {
        await using (var first = CreateManager(scope: "app-a"))
        {
            await first.GetOrCreateAsync("thread");
        }

        await using var restarted = CreateManager(scope: "app-a");
        await using var other = CreateManager(scope: "app-b");
        var again = await restarted.GetOrCreateAsync("thread");
        var separate = await other.GetOrCreateAsync("thread");

        Assert.Equal("fake-1", again.SandboxId);
        Assert.Equal("fake-2", separate.SandboxId);
        Assert.Equal(2, _provider.CreateCount);
    }

    [Fact]
    public async Task The_cap_counts_running_sandboxes_and_evicts_by_the_idle_action()
    {
        await using var manager = CreateManager(maxSessions: 1);
        await manager.GetOrCreateAsync("a");

        await manager.GetOrCreateAsync("b");

        Assert.Equal(1, manager.Count);
        Assert.Contains("Stop fake-1", _directory.Calls);
        Assert.DoesNotContain("Delete fake-1", _directory.Calls);

        var a = await manager.GetOrCreateAsync("a");

        Assert.Equal("fake-1", a.SandboxId);
        Assert.Contains("Stop fake-2", _directory.Calls);
        Assert.Equal(2, _provider.CreateCount);
    }

    [Fact]
    public async Task The_sweep_removes_sandboxes_whose_lease_expired()
    {
        _directory.Add(new SandboxInfo("old", SandboxState.Stopped, _time.GetUtcNow())
        {
            Lease = TimeSpan.FromMinutes(1),
            LeaseExpires = _time.GetUtcNow() + TimeSpan.FromMinutes(1),
        });
        _directory.Add(new SandboxInfo("live", SandboxState.Stopped, _time.GetUtcNow())
        {
            Lease = TimeSpan.FromMinutes(1),
            LeaseExpires = _time.GetUtcNow() + TimeSpan.FromDays(1),
        });
        await using var manager = CreateManager();

        _time.Advance(TimeSpan.FromMinutes(2));
        await manager.SweepAsync();

        Assert.Null(_directory["old"]);
        Assert.NotNull(_directory["live"]);
    }

    [Fact]
    public void Durability_needs_a_provider_that_keeps_sandboxes()
    {
        _provider.Directory = null;

        var error = Assert.Throws<ArgumentException>(() => CreateManager());

        Assert.Contains("ISandboxDirectory", error.Message, StringComparison.Ordinal);
    }

    private SandboxSessionManager CreateManager(string scope = "default", SessionIdleAction idleAction = SessionIdleAction.Stop, int maxSessions = 8) =>
        new(_provider, new IpyBoxOptions
        {
            SessionIdleTimeout = s_idle,
            MaxSessions = maxSessions,
            Durability = new DurableSessionOptions { Scope = scope, IdleAction = idleAction },
        }, timeProvider: _time);
}
