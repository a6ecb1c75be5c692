using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests;

/// <summary>
/// <see cref="Poll"/> on a fake clock. Probes complete at once, so every step of a poll runs inside
/// <see cref="FakeTimeProviderExtensions.AdvanceInline"/> and the times at which the probe was asked are exact.
/// </summary>
public sealed class PollTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly DateTimeOffset _start;
    private readonly List<TimeSpan> _asked = [];

    public PollTests()
    {
        _start = _time.GetUtcNow();
    }

    [Fact]
    public async Task Asks_again_with_doubling_pauses_up_to_the_maximum_and_returns_the_first_answer()
    {
        var schedule = PollSchedule.Backoff(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200));
        var poll = Poll.UntilAsync("an answer", _ => Task.FromResult(Ask() == 6 ? "ready" : null), schedule, _time, CancellationToken.None);

        Assert.Equal("ready", await AdvanceUntilDoneAsync(poll));
        Assert.Equal([0, 50, 150, 350, 550, 750], _asked.Select(t => t.TotalMilliseconds));
    }

    [Fact]
    public async Task A_condition_that_holds_at_once_is_asked_once()
    {
        await Poll.UntilAsync("a condition", _ => Task.FromResult(Ask() > 0), PollSchedule.Fixed(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), _time, CancellationToken.None);

        Assert.Equal([TimeSpan.Zero], _asked);
    }

    [Fact]
    public async Task Gives_up_at_the_time_limit_with_an_error_that_names_what_was_awaited()
    {
        var schedule = PollSchedule.Fixed(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(300));
        var poll = Poll.UntilAsync("the widget to warm up", _ => Task.FromResult(Ask() < 0), schedule, _time, CancellationToken.None);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => AdvanceUntilDoneAsync(poll));
        Assert.Contains("the widget to warm up", error.Message);
        Assert.Contains("1 s", error.Message);
        Assert.Equal([0, 300, 600, 900], _asked.Select(t => t.TotalMilliseconds));
    }

    [Fact]
    public async Task The_caller_chooses_the_timeout_error()
    {
        var poll = Poll.UntilAsync(
            "a port",
            _ => Task.FromResult(Ask() < 0),
            PollSchedule.Fixed(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(50)),
            _time,
            CancellationToken.None,
            _ => Task.FromResult<Exception>(new ContainerStartException("no port was published")));

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => AdvanceUntilDoneAsync(poll));
        Assert.Equal("no port was published", error.Message);
    }

    [Fact]
    public async Task An_error_of_the_probe_ends_the_poll_at_once()
    {
        var poll = Poll.UntilAsync(
            "a container",
            _ => Ask() < 3 ? Task.FromResult(false) : Task.FromException<bool>(new ContainerStartException("exited during start")),
            PollSchedule.Fixed(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100)),
            _time,
            CancellationToken.None);

        await Assert.ThrowsAsync<ContainerStartException>(() => AdvanceUntilDoneAsync(poll));
        Assert.Equal([0, 100, 200], _asked.Select(t => t.TotalMilliseconds));
    }

    [Fact]
    public async Task An_attempt_still_running_at_the_time_limit_is_cut_off_and_counts_as_a_timeout()
    {
        var poll = Poll.UntilAsync<string>(
            "a slow answer",
            async ct =>
            {
                Ask();
                await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct);
                return "never";
            },
            PollSchedule.Fixed(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100)),
            _time,
            CancellationToken.None);

        await Assert.ThrowsAsync<TimeoutException>(() => AdvanceUntilDoneAsync(poll));
        Assert.Single(_asked);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_a_timeout()
    {
        using var cancellation = new CancellationTokenSource();
        var poll = Poll.UntilAsync("an answer", _ => Task.FromResult(Ask() < 0), PollSchedule.Fixed(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100)), _time, cancellation.Token);
        for (var i = 0; i < 5; i++)
        {
            _time.AdvanceInline(TimeSpan.FromMilliseconds(50));
        }

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
        Assert.Equal([0, 100, 200], _asked.Select(t => t.TotalMilliseconds));
    }

    [Fact]
    public async Task An_unbounded_schedule_asks_until_the_answer_comes()
    {
        var schedule = PollSchedule.Backoff(Timeout.InfiniteTimeSpan, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(200));
        var poll = Poll.UntilAsync("an exit code", _ => Task.FromResult(Ask() == 40 ? "exited" : null), schedule, _time, CancellationToken.None);

        _time.AdvanceInline(TimeSpan.FromHours(1));
        for (var i = 0; i < 100 && !poll.IsCompleted; i++)
        {
            _time.AdvanceInline(TimeSpan.FromMilliseconds(200));
        }

        Assert.Equal("exited", await poll);
        Assert.Equal(40, _asked.Count);
    }

    [Theory]
    [InlineData(-5, 10, 10)]
    [InlineData(1000, -1, 10)]
    [InlineData(1000, 20, 10)]
    public async Task A_schedule_that_cannot_be_followed_is_refused(int timeoutMs, int intervalMs, int maxMs)
    {
        var schedule = new PollSchedule(TimeSpan.FromMilliseconds(timeoutMs), TimeSpan.FromMilliseconds(intervalMs), TimeSpan.FromMilliseconds(maxMs));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Poll.UntilAsync("x", _ => Task.FromResult(true), schedule, _time, CancellationToken.None));
    }

    private int Ask()
    {
        _asked.Add(_time.GetUtcNow() - _start);
        return _asked.Count;
    }

    /// <summary>
    /// Moves the clock forward in small steps until the poll ends, then waits for it: a poll that ends by cancellation
    /// finishes on the thread pool, a moment after the step that cancelled it.
    /// </summary>
    private async Task AdvanceUntilDoneAsync(Task poll)
    {
        for (var i = 0; i < 100_000 && !poll.IsCompleted; i++)
        {
            _time.AdvanceInline(s_step);
        }

        // A guard against a poll that never ends, not a measurement.
        await poll.WaitAsync(TimeSpan.FromMinutes(1));
    }

    private async Task<T> AdvanceUntilDoneAsync<T>(Task<T> poll)
    {
        await AdvanceUntilDoneAsync((Task)poll);
        return await poll;
    }
}
