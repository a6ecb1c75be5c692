using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests.Sandboxes;

/// <summary>
/// The warm pool's logic on a fake provider and a fake clock: no Docker, no kernel. The same behaviour against real
/// containers is in the integration tests (WarmPoolTests).
/// </summary>
public sealed class PoolingSandboxProviderTests
{
    /// <summary>Only keeps a broken test from hanging; no assertion depends on it.</summary>
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);

    private readonly FakeSandboxProvider _provider = new();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task The_pool_fills_to_MinWarm_with_ready_sandboxes_made_from_its_template()
    {
        await using var pool = CreatePool(minWarm: 3);

        await pool.FillAsync().WaitAsync(s_hang);

        Assert.Equal(new WarmPoolStatistics(Warm: 3, Starting: 0, InUse: 0, HandedOut: 0, ColdStarts: 0, Discarded: 0, RefillFailures: 0), pool.GetStatistics());
        Assert.Equal(3, _provider.CreateCount);
        Assert.All(_provider.Requests, request =>
        {
            Assert.Null(request.ConversationKey);
            Assert.Equal(pool.PoolId, request.PoolId);
            Assert.Empty(request.Labels);
            Assert.Null(request.ConversationKey);
        });
        Assert.All(_provider.Sandboxes, sandbox => Assert.Empty(sandbox.Submissions));
        Assert.Matches("^[0-9a-f]{12}$", pool.PoolId);
    }

    [Fact]
    public async Task A_request_gets_a_ready_sandbox_and_the_pool_refills_behind_it()
    {
        await using var pool = CreatePool(minWarm: 2);
        await pool.FillAsync().WaitAsync(s_hang);
        var ready = _provider.Sandboxes.Select(s => s.Id).ToList();

        var sandbox = await pool.CreateAsync(new SandboxRequest { ConversationKey = "thread-1" });

        Assert.Contains(sandbox.Id, ready);
        var fake = sandbox.GetService<FakeSandbox>()!;
        Assert.Equal(1, fake.HealthCheckCount);
        Assert.Same(sandbox, sandbox.GetService<ISandbox>());
        await pool.FillAsync().WaitAsync(s_hang);
        Assert.Equal(3, _provider.CreateCount);
        Assert.Equal(new WarmPoolStatistics(Warm: 2, Starting: 0, InUse: 1, HandedOut: 1, ColdStarts: 0, Discarded: 0, RefillFailures: 0), pool.GetStatistics());
        Assert.Same(pool, pool.GetService<PoolingSandboxProvider>());
        Assert.Same(_provider, pool.GetService<FakeSandboxProvider>());
    }

    [Fact]
    public async Task A_sandbox_is_never_handed_out_twice_and_disposing_it_removes_it()
    {
        await using var pool = CreatePool(minWarm: 2, maxTotal: 30);
        await pool.FillAsync().WaitAsync(s_hang);

        var first = new List<ISandbox>();
        for (var i = 0; i < 10; i++)
        {
            first.Add(await pool.CreateAsync());
        }

        foreach (var sandbox in first)
        {
            await sandbox.DisposeAsync();
            Assert.True(sandbox.GetService<FakeSandbox>()!.IsDisposed);
        }

        var second = new List<ISandbox>();
        for (var i = 0; i < 10; i++)
        {
            second.Add(await pool.CreateAsync());
        }

        var ids = first.Concat(second).Select(s => s.Id).ToList();
        Assert.Equal(20, ids.Distinct().Count());
        Assert.All(second, sandbox => Assert.False(sandbox.GetService<FakeSandbox>()!.IsDisposed));
        Assert.Equal(10, pool.GetStatistics().InUse);
    }

    [Fact]
    public async Task A_conversation_served_from_the_pool_leaves_no_variable_or_file_for_the_next()
    {
        await using var pool = CreatePool(minWarm: 2);
        await pool.FillAsync().WaitAsync(s_hang);
        await using var manager = new SandboxSessionManager(pool, new IpyBoxOptions(), timeProvider: _time);

        var a = await manager.GetOrCreateAsync("a");
        await a.ExecuteAsync("secret = 42");
        await a.Sandbox.Files.UploadFileAsync("/tmp/notes.txt", "notes.txt");
        var used = a.Sandbox.GetService<FakeSandbox>()!;
        Assert.True(await manager.EndSessionAsync("a"));
        var b = await manager.GetOrCreateAsync("b");

        var fresh = b.Sandbox.GetService<FakeSandbox>()!;
        Assert.NotEqual(used.Id, fresh.Id);
        Assert.True(used.IsDisposed);
        Assert.Equal(["secret = 42"], used.Submissions.Select(s => s.Code));
        Assert.Single(used.Files.Calls);
        Assert.Empty(fresh.Submissions);
        Assert.Empty(fresh.Files.Calls);
        Assert.Null(fresh.Request.ConversationKey);
        Assert.Equal(2, pool.GetStatistics().HandedOut);
        Assert.Equal(0, pool.GetStatistics().ColdStarts);
    }

    [Fact]
    public async Task Twenty_concurrent_requests_with_twenty_ready_get_twenty_distinct_sandboxes()
    {
        await using var pool = CreatePool(minWarm: 20, maxTotal: 40, maxConcurrentRefills: 4);
        await pool.FillAsync().WaitAsync(s_hang);
        var ready = _provider.Sandboxes.Select(s => s.Id).ToHashSet();

        var requests = new Task<ISandbox>[20];
        Parallel.For(0, requests.Length, i => requests[i] = pool.CreateAsync(new SandboxRequest { ConversationKey = $"c{i}" }));
        var sandboxes = await Task.WhenAll(requests).WaitAsync(s_hang);

        Assert.Equal(20, sandboxes.Select(s => s.Id).Distinct().Count());
        Assert.All(sandboxes, s => Assert.Contains(s.Id, ready));
        var statistics = pool.GetStatistics();
        Assert.Equal(20, statistics.HandedOut);
        Assert.Equal(0, statistics.ColdStarts);
        Assert.Equal(20, statistics.InUse);
    }

    [Fact]
    public async Task Refills_after_hand_outs_wait_for_RefillDelay_and_hand_outs_meanwhile_join_them()
    {
        await using var pool = CreatePool(minWarm: 3, refillDelay: TimeSpan.FromSeconds(1));
        await pool.FillAsync().WaitAsync(s_hang);

        var a = await pool.CreateAsync();
        _time.Advance(TimeSpan.FromMilliseconds(500));
        var b = await pool.CreateAsync();
        _time.Advance(TimeSpan.FromMilliseconds(499));

        Assert.Equal(3, _provider.CreateCount);
        Assert.Equal(new WarmPoolStatistics(Warm: 1, Starting: 0, InUse: 2, HandedOut: 2, ColdStarts: 0, Discarded: 0, RefillFailures: 0), pool.GetStatistics());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await EventuallyAsync(() => pool.GetStatistics() is { Warm: 3, Starting: 0 });
        Assert.Equal(5, _provider.CreateCount);
        GC.KeepAlive(a);
        GC.KeepAlive(b);
    }

    [Fact]
    public async Task A_request_that_finds_the_pool_empty_does_not_wait_for_a_delayed_refill()
    {
        await using var pool = CreatePool(minWarm: 1, refillDelay: TimeSpan.FromMinutes(1));
        await pool.FillAsync().WaitAsync(s_hang);
        await pool.CreateAsync();

        var second = await pool.CreateAsync().WaitAsync(s_hang);

        Assert.Equal(1, pool.GetStatistics().ColdStarts);
        await EventuallyAsync(() => pool.GetStatistics() is { Warm: 1, Starting: 0 }); // the refill started at once
        Assert.Equal(3, _provider.CreateCount);
        GC.KeepAlive(second);
    }

    [Fact]
    public async Task The_pool_keeps_no_more_sandboxes_alive_than_MaxTotal()
    {
        await using var pool = CreatePool(minWarm: 2, maxTotal: 3);
        await pool.FillAsync().WaitAsync(s_hang);

        var a = await pool.CreateAsync();
        var b = await pool.CreateAsync();
        await EventuallyAsync(() => pool.GetStatistics() is { Warm: 1, Starting: 0 });
        var c = await pool.CreateAsync();

        var error = await Assert.ThrowsAsync<SandboxLimitException>(() => pool.CreateAsync());
        Assert.Contains("WarmPoolOptions.MaxTotal", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _provider.CreateCount);
        Assert.Equal(3, Alive());
        Assert.Equal(3, pool.GetStatistics().Total);

        await a.DisposeAsync();
        await EventuallyAsync(() => pool.GetStatistics() is { Warm: 1, Starting: 0 });
        Assert.Equal(4, _provider.CreateCount);
        Assert.Equal(3, Alive());
        Assert.Equal(new WarmPoolStatistics(Warm: 1, Starting: 0, InUse: 2, HandedOut: 3, ColdStarts: 0, Discarded: 0, RefillFailures: 0), pool.GetStatistics());
        GC.KeepAlive(b);
        GC.KeepAlive(c);
    }

    [Fact]
    public async Task Disposal_removes_the_ready_sandboxes_and_waits_for_refills_in_flight()
    {
        var pool = CreatePool(minWarm: 2);
        await pool.FillAsync().WaitAsync(s_hang);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.OnCreate = (_, _) => release.Task; // a refill that does not stop when cancelled
        var handedOut = await pool.CreateAsync();
        await EventuallyAsync(() => _provider.CreateCount == 3);
        var ready = _provider.Sandboxes.Single(s => s.Id != handedOut.Id);

        var disposal = pool.DisposeAsync().AsTask();
        await ready.Disposed.WaitAsync(s_hang);

        Assert.False(disposal.IsCompleted, "the disposal finished while a refill was still starting a sandbox");
        release.SetResult();
        await disposal.WaitAsync(s_hang);
        var refilled = _provider.Sandboxes.Single(s => s.Id != handedOut.Id && s.Id != ready.Id);
        Assert.True(refilled.IsDisposed);
        Assert.False(handedOut.GetService<FakeSandbox>()!.IsDisposed); // it belongs to its caller
        Assert.Equal(0, pool.GetStatistics().Warm);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.CreateAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.FillAsync());
        await pool.DisposeAsync(); // idempotent
        await handedOut.DisposeAsync();
    }

    [Fact]
    public async Task Disposal_cancels_a_refill_that_honours_cancellation_and_counts_no_failure()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.OnCreate = async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        var pool = CreatePool(minWarm: 1);
        await started.Task.WaitAsync(s_hang);

        await pool.DisposeAsync().AsTask().WaitAsync(s_hang);

        Assert.Empty(_provider.Sandboxes);
        Assert.Equal(0, pool.GetStatistics().RefillFailures);
        Assert.Equal(0, pool.GetStatistics().Starting);
    }

    [Fact]
    public async Task A_broken_ready_sandbox_is_removed_and_replaced_instead_of_handed_out()
    {
        await using var pool = CreatePool(minWarm: 1);
        await pool.FillAsync().WaitAsync(s_hang);
        var broken = _provider.Sandboxes.Single();
        broken.OnHealthCheck = _ => throw new SandboxUnavailableException("Container 1234 no longer exists.");

        var sandbox = await pool.CreateAsync(new SandboxRequest { ConversationKey = "t" });

        Assert.NotEqual(broken.Id, sandbox.Id);
        Assert.Equal(_provider.Sandboxes[1].Id, sandbox.Id);
        await broken.Disposed.WaitAsync(s_hang);
        Assert.Empty(broken.Submissions);
        await pool.FillAsync().WaitAsync(s_hang);
        Assert.Equal(new WarmPoolStatistics(Warm: 1, Starting: 0, InUse: 1, HandedOut: 1, ColdStarts: 0, Discarded: 1, RefillFailures: 0), pool.GetStatistics());
        Assert.Equal(3, _provider.CreateCount);
    }

    [Fact]
    public async Task When_every_ready_sandbox_is_broken_the_request_gets_a_new_one()
    {
        await using var pool = CreatePool(minWarm: 2);
        await pool.FillAsync().WaitAsync(s_hang);
        var broken = _provider.Sandboxes.ToList();
        foreach (var sandbox in broken)
        {
            await sandbox.DisposeAsync(); // e.g. its container was removed behind the pool's back
        }

        var fresh = await pool.CreateAsync();

        Assert.DoesNotContain(fresh.Id, broken.Select(s => s.Id));
        Assert.False(fresh.GetService<FakeSandbox>()!.IsDisposed);
        Assert.Equal(2, pool.GetStatistics().Discarded);
    }

    [Fact]
    public async Task A_request_with_labels_gets_a_cold_start_from_the_inner_provider()
    {
        await using var pool = CreatePool(minWarm: 2);
        await pool.FillAsync().WaitAsync(s_hang);
        var ready = _provider.Sandboxes.Select(s => s.Id).ToList();
        var request = new SandboxRequest { ConversationKey = "labelled", Labels = new Dictionary<string, string> { ["team"] = "a" } };

        var sandbox = await pool.CreateAsync(request);

        Assert.Same(request, _provider.Requests[^1]);
        Assert.DoesNotContain(sandbox.Id, ready);
        Assert.Same(request, sandbox.GetService<FakeSandbox>()!.Request);
        Assert.Equal(new WarmPoolStatistics(Warm: 2, Starting: 0, InUse: 1, HandedOut: 0, ColdStarts: 1, Discarded: 0, RefillFailures: 0), pool.GetStatistics());
    }

    [Fact]
    public async Task A_request_that_bypasses_the_pool_gets_a_cold_start_although_sandboxes_are_ready()
    {
        await using var pool = CreatePool(minWarm: 2);
        await pool.FillAsync().WaitAsync(s_hang);
        var ready = _provider.Sandboxes.Select(s => s.Id).ToList();
        var request = new SandboxRequest { ConversationKey = "own", BypassPool = true };

        var sandbox = await pool.CreateAsync(request);

        Assert.Same(request, _provider.Requests[^1]);
        Assert.DoesNotContain(sandbox.Id, ready);
        Assert.Equal(new WarmPoolStatistics(Warm: 2, Starting: 0, InUse: 1, HandedOut: 0, ColdStarts: 1, Discarded: 0, RefillFailures: 0), pool.GetStatistics());
    }

    [Fact]
    public async Task At_the_cap_a_request_with_labels_takes_the_place_of_a_ready_sandbox()
    {
        await using var pool = CreatePool(minWarm: 2, maxTotal: 2);
        await pool.FillAsync().WaitAsync(s_hang);
        var ready = _provider.Sandboxes.ToList();

        await pool.CreateAsync(new SandboxRequest { Labels = new Dictionary<string, string> { ["team"] = "a" } });

        await Task.WhenAny(ready.Select(s => s.Disposed)).WaitAsync(s_hang);
        Assert.Single(ready, s => s.IsDisposed);
        Assert.Equal(2, Alive());
        Assert.Equal(new WarmPoolStatistics(Warm: 1, Starting: 0, InUse: 1, HandedOut: 0, ColdStarts: 1, Discarded: 0, RefillFailures: 0), pool.GetStatistics());
    }

    [Fact]
    public async Task A_failed_refill_is_counted_reported_to_WarmUpAsync_and_retried_after_a_delay()
    {
        var fail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = 0;
        _provider.OnCreate = async (_, _) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                await fail.Task;
                throw new DockerUnavailableException("No Docker engine answers.");
            }
        };
        await using var pool = CreatePool(minWarm: 1);
        var warmUp = pool.FillAsync();

        fail.SetResult();
        var error = await Assert.ThrowsAsync<DockerUnavailableException>(() => warmUp.WaitAsync(s_hang));
        Assert.Equal("No Docker engine answers.", error.Message);
        Assert.Equal(new WarmPoolStatistics(Warm: 0, Starting: 0, InUse: 0, HandedOut: 0, ColdStarts: 0, Discarded: 0, RefillFailures: 1), pool.GetStatistics());
        var retried = pool.FillAsync();
        Assert.Equal(1, _provider.CreateCount); // no retry before the delay

        _time.Advance(TimeSpan.FromSeconds(1));

        await retried.WaitAsync(s_hang);
        Assert.Equal(2, _provider.CreateCount);
        Assert.Equal(new WarmPoolStatistics(Warm: 1, Starting: 0, InUse: 0, HandedOut: 0, ColdStarts: 0, Discarded: 0, RefillFailures: 1), pool.GetStatistics());
    }

    [Fact]
    public async Task A_request_that_finds_the_pool_empty_takes_a_refill_under_way_and_the_next_one_starts_cold()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.OnCreate = (_, _) => release.Task;
        await using var pool = CreatePool(minWarm: 1, maxConcurrentRefills: 1);
        await EventuallyAsync(() => _provider.CreateCount == 1);

        var first = pool.CreateAsync(new SandboxRequest { ConversationKey = "one" });
        var second = pool.CreateAsync(new SandboxRequest { ConversationKey = "two" });
        await EventuallyAsync(() => _provider.CreateCount == 2);
        release.SetResult();
        var sandboxes = await Task.WhenAll(first, second).WaitAsync(s_hang);

        Assert.Null(sandboxes[0].GetService<FakeSandbox>()!.Request.ConversationKey); // the refill
        Assert.Equal("two", sandboxes[1].GetService<FakeSandbox>()!.Request.ConversationKey); // a cold start
        var statistics = pool.GetStatistics();
        Assert.Equal(1, statistics.HandedOut);
        Assert.Equal(1, statistics.ColdStarts);
    }

    [Fact]
    public async Task A_request_waiting_for_a_refill_that_fails_starts_cold_and_sees_the_error()
    {
        var fail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.OnCreate = async (request, _) =>
        {
            await fail.Task;
            throw new DockerUnavailableException($"No Docker engine answers ({request.ConversationKey ?? "refill"}).");
        };
        await using var pool = CreatePool(minWarm: 1, maxConcurrentRefills: 1);
        await EventuallyAsync(() => _provider.CreateCount == 1);

        var waiting = pool.CreateAsync(new SandboxRequest { ConversationKey = "waiting" });
        fail.SetResult();

        var error = await Assert.ThrowsAsync<DockerUnavailableException>(() => waiting.WaitAsync(s_hang));
        Assert.Equal("No Docker engine answers (waiting).", error.Message);
        Assert.Equal(1, pool.GetStatistics().RefillFailures);
        Assert.Equal(0, pool.GetStatistics().Total);
    }

    [Fact]
    public async Task A_cancelled_wait_puts_the_refilled_sandbox_back_in_the_pool()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.OnCreate = (_, _) => release.Task;
        await using var pool = CreatePool(minWarm: 1, maxConcurrentRefills: 1);
        await EventuallyAsync(() => _provider.CreateCount == 1);
        using var cancel = new CancellationTokenSource();

        var waiting = pool.CreateAsync(cancellationToken: cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(s_hang));
        release.SetResult();

        await pool.FillAsync().WaitAsync(s_hang);
        var sandbox = await pool.CreateAsync();
        Assert.Equal(_provider.Sandboxes[0].Id, sandbox.Id);
        Assert.Equal(0, pool.GetStatistics().ColdStarts);
    }

    [Theory]
    [InlineData(0, 10, 2, "MinWarm is 0")]
    [InlineData(4, 3, 2, "MaxTotal (3) is below MinWarm (4)")]
    [InlineData(2, 10, 0, "MaxConcurrentRefills is 0")]
    [InlineData(2, 10, 2, "RefillDelay is -00:00:01", -1)]
    public void Invalid_options_are_refused_with_a_fix(int minWarm, int maxTotal, int refills, string expected, int refillDelaySeconds = 1)
    {
        var options = new WarmPoolOptions { MinWarm = minWarm, MaxTotal = maxTotal, MaxConcurrentRefills = refills, RefillDelay = TimeSpan.FromSeconds(refillDelaySeconds) };

        var error = Assert.Throws<ArgumentException>(() => new PoolingSandboxProvider(_provider, options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _provider.CreateCount);
    }

    /// <summary>Creates a pool that refills right after each hand-out, unless <paramref name="refillDelay"/> says otherwise.</summary>
    private PoolingSandboxProvider CreatePool(int minWarm, int maxTotal = 10, int maxConcurrentRefills = 2, TimeSpan refillDelay = default) =>
        new(_provider, new WarmPoolOptions { MinWarm = minWarm, MaxTotal = maxTotal, MaxConcurrentRefills = maxConcurrentRefills, RefillDelay = refillDelay }, timeProvider: _time);

    /// <summary>The fake sandboxes created and not disposed.</summary>
    private int Alive() => _provider.Sandboxes.Count(s => !s.IsDisposed);

    /// <summary>Waits for background refills to reach a state; the deadline only keeps a broken test from hanging.</summary>
    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_hang;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the pool did not reach the expected state");
            await Task.Delay(10);
        }
    }
}
