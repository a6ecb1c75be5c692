using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests.Sessions;

/// <summary>
/// The session manager's own logic (single-flight creation, idle expiry, the cap, removal, serialisation) on a fake
/// provider and a fake clock: no Docker, no kernel. The same behaviour against real containers is in the integration tests.
/// </summary>
public sealed class SandboxSessionManagerTests
{
    private static readonly TimeSpan s_idle = TimeSpan.FromMinutes(10);

    /// <summary>Only keeps a broken test from hanging; no assertion depends on it.</summary>
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);

    private readonly FakeSandboxProvider _provider = new();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_session_whose_sandbox_is_lost_removes_itself_so_any_caller_gets_a_new_sandbox_next()
    {
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => s.Id == "fake-1"
            ? FakeCells.Fails(new SandboxUnavailableException("The connection to the kernel was lost."))
            : FakeCells.Prints("fresh"));
        await using var manager = CreateManager();
        var first = await manager.GetOrCreateAsync("thread");

        var lost = await Assert.ThrowsAsync<SandboxUnavailableException>(() => first.ExecuteAsync("x"));
        var next = await manager.GetOrCreateAsync("thread");
        var result = await next.ExecuteAsync("x");

        Assert.Equal("The connection to the kernel was lost.", lost.Message);
        Assert.True(first.IsDisposed);
        Assert.True(_provider.Sandboxes[0].IsDisposed);
        Assert.NotSame(first, next);
        Assert.Equal("fake-2", next.SandboxId);
        Assert.Equal("fresh", result.Stdout.TrimEnd());
        Assert.Equal("fake-2", Assert.Single(manager.Sessions).SandboxId);
    }

    [Fact]
    public async Task Other_errors_of_a_call_keep_the_session_and_its_sandbox()
    {
        _provider.ConfigureSandbox = s => s.OnReset = _ => throw new InvalidOperationException("not now");
        await using var manager = CreateManager();
        var session = await manager.GetOrCreateAsync("thread");

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.ResetAsync());

        Assert.False(session.IsDisposed);
        Assert.Same(session, await manager.GetOrCreateAsync("thread"));
    }

    [Fact]
    public async Task RunAsync_without_a_result_runs_in_turn_and_a_loss_in_it_removes_the_session()
    {
        await using var manager = CreateManager();
        var session = await manager.GetOrCreateAsync("thread");
        var ran = new List<string>();

        await session.RunAsync((sandbox, _) =>
        {
            ran.Add(sandbox.Id);
            return Task.CompletedTask;
        });
        await Assert.ThrowsAsync<SandboxUnavailableException>(() => session.RunAsync((_, _) => throw new SandboxUnavailableException("gone")));

        Assert.Equal(["fake-1"], ran);
        Assert.True(session.IsDisposed);
        Assert.Equal(0, manager.Count);
    }

    [Fact]
    public async Task Concurrent_first_calls_for_one_conversation_create_one_sandbox()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.OnCreate = (_, _) => release.Task;
        await using var manager = CreateManager();

        var calls = new Task<SandboxSession>[16];
        Parallel.For(0, calls.Length, i => calls[i] = manager.GetOrCreateAsync("thread"));

        Assert.All(calls, call => Assert.False(call.IsCompleted));
        Assert.Equal(1, _provider.CreateCount);
        Assert.Equal(["thread"], manager.ConversationKeys);
        Assert.Empty(manager.Sessions);

        release.SetResult();
        var sessions = await Task.WhenAll(calls).WaitAsync(s_hang);

        Assert.All(sessions, session => Assert.Same(sessions[0], session));
        Assert.Same(_provider.Sandboxes.Single(), sessions[0].Sandbox.GetService<FakeSandbox>());
        Assert.Equal(1, _provider.CreateCount);
        Assert.Equal(1, manager.Count);
    }

    [Fact]
    public async Task The_provider_receives_the_conversation_key()
    {
        await using var manager = CreateManager();

        var session = await manager.GetOrCreateAsync("thread-42");

        var request = Assert.Single(_provider.Requests);
        Assert.Equal("thread-42", request.ConversationKey);
        var sandbox = _provider.Sandboxes.Single();
        Assert.Same(request, sandbox.Request);
        Assert.Equal("thread-42", session.ConversationKey);
        Assert.Equal(sandbox.Id, session.SandboxId);
        Assert.Same(_provider, manager.Provider);
    }

    [Fact]
    public async Task A_failed_creation_is_not_cached_and_the_next_call_retries()
    {
        var attempts = 0;
        _provider.OnCreate = (_, _) => Interlocked.Increment(ref attempts) == 1
            ? Task.FromException(new DockerUnavailableException("No Docker engine answers."))
            : Task.CompletedTask;
        await using var manager = CreateManager();

        var error = await Assert.ThrowsAsync<DockerUnavailableException>(() => manager.GetOrCreateAsync("retry"));
        Assert.Equal("No Docker engine answers.", error.Message);
        Assert.Equal(0, manager.Count);
        Assert.Empty(manager.ConversationKeys);

        var session = await manager.GetOrCreateAsync("retry");

        Assert.Equal(2, _provider.CreateCount);
        Assert.Same(_provider.Sandboxes.Single(), session.Sandbox.GetService<FakeSandbox>());
        Assert.Equal(["retry"], manager.ConversationKeys);
    }

    [Fact]
    public async Task Every_caller_waiting_on_a_failed_creation_gets_its_error()
    {
        var fail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.OnCreate = (_, _) => fail.Task;
        await using var manager = CreateManager();

        var first = manager.GetOrCreateAsync("shared");
        var second = manager.GetOrCreateAsync("shared");
        fail.SetException(new ContainerStartException("The container exited during start."));

        Assert.Equal("The container exited during start.", (await Assert.ThrowsAsync<ContainerStartException>(() => first)).Message);
        Assert.Equal("The container exited during start.", (await Assert.ThrowsAsync<ContainerStartException>(() => second)).Message);
        Assert.Equal(1, _provider.CreateCount);
        Assert.Equal(0, manager.Count);
    }

    [Fact]
    public async Task The_idle_timer_removes_a_sandbox_unused_for_the_idle_timeout()
    {
        await using var manager = CreateManager();
        var session = await manager.GetOrCreateAsync("idle");
        var sandbox = _provider.Sandboxes.Single();

        _time.Advance(s_idle - TimeSpan.FromMinutes(1));
        Assert.False(sandbox.IsDisposed);
        Assert.Equal(["idle"], manager.ConversationKeys);

        _time.Advance(TimeSpan.FromMinutes(1));
        await sandbox.Disposed.WaitAsync(s_hang);

        Assert.True(session.IsDisposed);
        Assert.Equal(1, sandbox.DisposeCount);
        Assert.Equal(0, manager.Count);

        var fresh = await manager.GetOrCreateAsync("idle");
        Assert.NotSame(session, fresh);
        Assert.Equal(2, _provider.CreateCount);
    }

    [Fact]
    public async Task A_sweep_removes_only_the_sandboxes_idle_for_the_timeout()
    {
        await using var manager = CreateManager();
        var old = await manager.GetOrCreateAsync("old");
        _time.Advance(TimeSpan.FromMinutes(4));
        var recent = await manager.GetOrCreateAsync("recent");
        _time.Advance(TimeSpan.FromMinutes(4));
        await manager.GetOrCreateAsync("old"); // using a conversation counts as use
        _time.Advance(TimeSpan.FromMinutes(7));

        await manager.SweepAsync();
        await _provider.Sandboxes[1].Disposed.WaitAsync(s_hang);

        Assert.True(recent.IsDisposed);
        Assert.False(old.IsDisposed);
        Assert.Equal(["old"], manager.ConversationKeys);
    }

    [Fact]
    public async Task A_busy_sandbox_is_not_swept_and_its_idle_time_starts_when_the_call_ends()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EchoAndHold("long_running()", release.Task);
        await using var manager = CreateManager();
        var session = await manager.GetOrCreateAsync("busy");
        var sandbox = _provider.Sandboxes.Single();

        var call = session.ExecuteAsync("long_running()");
        Assert.True(session.IsBusy);
        _time.Advance(s_idle * 3);
        await manager.SweepAsync();

        Assert.False(session.IsDisposed);
        Assert.Equal(["busy"], manager.ConversationKeys);

        release.SetResult();
        Assert.Equal("long_running()", (await call.WaitAsync(s_hang)).Text);
        Assert.False(session.IsBusy);

        _time.Advance(s_idle - TimeSpan.FromMinutes(1));
        await manager.SweepAsync();
        Assert.False(session.IsDisposed);

        _time.Advance(TimeSpan.FromMinutes(1));
        await manager.SweepAsync();
        await sandbox.Disposed.WaitAsync(s_hang);
        Assert.True(session.IsDisposed);
        Assert.Equal(0, manager.Count);
    }

    [Fact]
    public async Task At_the_cap_with_reject_a_new_conversation_is_refused_and_the_live_ones_stay()
    {
        await using var manager = CreateManager(maxSessions: 2, SessionLimitBehavior.Reject);
        var a = await manager.GetOrCreateAsync("a");
        var b = await manager.GetOrCreateAsync("b");

        var error = await Assert.ThrowsAsync<SessionLimitException>(() => manager.GetOrCreateAsync("c"));

        Assert.Contains("conversation 'c'", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxSessions", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _provider.CreateCount);
        Assert.False(a.IsDisposed);
        Assert.False(b.IsDisposed);
        Assert.Equal(["a", "b"], manager.ConversationKeys.Order(StringComparer.Ordinal));
        Assert.Same(a, await manager.GetOrCreateAsync("a"));

        Assert.True(await manager.EndSessionAsync("a"));
        var c = await manager.GetOrCreateAsync("c");
        Assert.Equal("c", c.ConversationKey);
        Assert.Equal(3, _provider.CreateCount);
    }

    [Fact]
    public async Task At_the_cap_with_eviction_the_least_recently_used_sandbox_is_removed()
    {
        await using var manager = CreateManager(maxSessions: 2, SessionLimitBehavior.EvictLeastRecentlyUsed);
        var a = await manager.GetOrCreateAsync("a");
        _time.Advance(TimeSpan.FromSeconds(1));
        var b = await manager.GetOrCreateAsync("b");
        _time.Advance(TimeSpan.FromSeconds(1));
        await a.ExecuteAsync("1"); // b is now the least recently used
        _time.Advance(TimeSpan.FromSeconds(1));

        var c = await manager.GetOrCreateAsync("c");

        Assert.True(b.IsDisposed);
        Assert.Equal(1, _provider.Sandboxes[1].DisposeCount);
        Assert.False(a.IsDisposed);
        Assert.False(c.IsDisposed);
        Assert.Equal(["a", "c"], manager.ConversationKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Eviction_passes_over_a_busy_sandbox_even_when_it_is_the_least_recently_used()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EchoAndHold("long_running()", release.Task);
        await using var manager = CreateManager(maxSessions: 2, SessionLimitBehavior.EvictLeastRecentlyUsed);
        var a = await manager.GetOrCreateAsync("a");
        var b = await manager.GetOrCreateAsync("b");
        var call = a.ExecuteAsync("long_running()");
        _time.Advance(TimeSpan.FromSeconds(1));
        await b.ExecuteAsync("quick()"); // a is now the least recently used, but busy
        _time.Advance(TimeSpan.FromSeconds(1));

        await manager.GetOrCreateAsync("c");

        Assert.True(b.IsDisposed);
        Assert.False(a.IsDisposed);
        Assert.Equal(["a", "c"], manager.ConversationKeys.Order(StringComparer.Ordinal));

        release.SetResult();
        Assert.Equal("long_running()", (await call.WaitAsync(s_hang)).Text);
    }

    [Fact]
    public async Task Ending_a_session_disposes_its_sandbox()
    {
        await using var manager = CreateManager();
        var session = await manager.GetOrCreateAsync("ending");
        var sandbox = _provider.Sandboxes.Single();

        Assert.True(await manager.EndSessionAsync("ending"));

        Assert.True(session.IsDisposed);
        Assert.Equal(1, sandbox.DisposeCount);
        Assert.Equal(0, manager.Count);
        Assert.False(await manager.EndSessionAsync("ending"));
        Assert.False(await manager.EndSessionAsync("never-started"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.ExecuteAsync("1"));
    }

    [Fact]
    public async Task Disposing_the_manager_disposes_every_sandbox_once_and_is_idempotent()
    {
        var manager = CreateManager();
        var sessions = await Task.WhenAll(manager.GetOrCreateAsync("one"), manager.GetOrCreateAsync("two"), manager.GetOrCreateAsync("three"));

        await manager.DisposeAsync();
        await manager.DisposeAsync();
        manager.Dispose();

        Assert.Equal(3, _provider.Sandboxes.Count);
        Assert.All(_provider.Sandboxes, sandbox => Assert.Equal(1, sandbox.DisposeCount));
        Assert.All(sessions, session => Assert.True(session.IsDisposed));
        Assert.Equal(0, manager.Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => manager.GetOrCreateAsync("four"));
        Assert.Equal(3, _provider.CreateCount);
    }

    [Fact]
    public async Task Disposing_the_manager_cancels_a_creation_in_progress_and_fails_its_callers()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.OnCreate = async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        };
        var manager = CreateManager();

        var call = manager.GetOrCreateAsync("starting");
        await started.Task.WaitAsync(s_hang);
        await manager.DisposeAsync().AsTask().WaitAsync(s_hang);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => call.WaitAsync(s_hang));
        Assert.Empty(_provider.Sandboxes);
    }

    [Fact]
    public async Task Calls_in_one_conversation_run_one_at_a_time_in_arrival_order()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EchoAndHold("first", release.Task);
        await using var manager = CreateManager();
        var session = await manager.GetOrCreateAsync("serial");
        var sandbox = _provider.Sandboxes.Single();

        var first = session.ExecuteAsync("first");
        var second = session.ExecuteAsync("second");

        // The second call waits for the first before it reaches the sandbox.
        Assert.Equal(["first"], sandbox.Submissions.Select(s => s.Code));
        Assert.False(second.IsCompleted);

        release.SetResult();
        Assert.Equal("first", (await first.WaitAsync(s_hang)).Text);
        Assert.Equal("second", (await second.WaitAsync(s_hang)).Text);
        Assert.Equal(["first", "second"], sandbox.Submissions.Select(s => s.Code));
    }

    [Fact]
    public async Task Calls_in_different_conversations_run_in_parallel()
    {
        // Each call finishes only once the other conversation's call has reached its sandbox: serialising them would hang.
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        _provider.ConfigureSandbox = sandbox => sandbox.OnSubmit = async (submission, ct) =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.SetResult();
            }

            await bothStarted.Task.WaitAsync(s_hang, ct);
            return Execution.FromResult(new ExecutionResult(submission.Code));
        };
        await using var manager = CreateManager();
        var x = await manager.GetOrCreateAsync("x");
        var y = await manager.GetOrCreateAsync("y");

        var results = await Task.WhenAll(x.ExecuteAsync("in x"), y.ExecuteAsync("in y"));

        Assert.Equal(["in x", "in y"], results.Select(r => r.Text));
        Assert.Equal(["in x"], _provider.Sandboxes[0].Submissions.Select(s => s.Code));
        Assert.Equal(["in y"], _provider.Sandboxes[1].Submissions.Select(s => s.Code));
    }

    /// <summary>Makes every new sandbox answer with the code it was given, holding <paramref name="heldCode"/> until <paramref name="release"/> completes.</summary>
    private void EchoAndHold(string heldCode, Task release) =>
        _provider.ConfigureSandbox = sandbox => sandbox.OnSubmit = async (submission, ct) =>
        {
            if (submission.Code == heldCode)
            {
                await release.WaitAsync(ct);
            }

            return Execution.FromResult(new ExecutionResult(submission.Code));
        };

    private SandboxSessionManager CreateManager(int maxSessions = 8, SessionLimitBehavior limitBehavior = SessionLimitBehavior.EvictLeastRecentlyUsed) =>
        new(_provider, new IpyBoxOptions { SessionIdleTimeout = s_idle, MaxSessions = maxSessions, SessionLimitBehavior = limitBehavior }, timeProvider: _time);
}
