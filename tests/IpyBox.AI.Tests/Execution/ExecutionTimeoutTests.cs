using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests;

/// <summary>An execution's time limit and interrupt grace period run on the client's <see cref="TimeProvider"/>.</summary>
public sealed class ExecutionTimeoutTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task At_the_time_limit_the_kernel_is_interrupted_and_the_execution_ends_after_the_grace_period()
    {
        var interrupts = new List<string>();
        var execution = new Execution("cell", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), reason =>
        {
            interrupts.Add(reason);
            return Task.CompletedTask;
        }, _time);

        _time.AdvanceInline(TimeSpan.FromSeconds(29));
        Assert.Empty(interrupts);

        _time.AdvanceInline(TimeSpan.FromSeconds(1));
        var reason = Assert.Single(interrupts);
        Assert.Contains("30 s", reason);
        Assert.False(execution.IsCompleted, "the interrupted request may still end properly within the grace period");

        _time.AdvanceInline(TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<ExecutionTimeoutException>(() => execution.GetResultAsync());
        Assert.Contains("state is kept", error.Message);
    }

    [Fact]
    public async Task An_interrupted_execution_that_ends_within_the_grace_period_still_reports_the_timeout()
    {
        var execution = new Execution("cell", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), _ => Task.CompletedTask, _time);

        _time.AdvanceInline(TimeSpan.FromSeconds(10));
        execution.Accept(Frames.Parse(Frames.Error("cell", "KeyboardInterrupt", string.Empty)));
        execution.Accept(Frames.Parse(Frames.Reply("cell", status: "error")));
        execution.Accept(Frames.Parse(Frames.Status("cell", "idle")));

        await Assert.ThrowsAsync<ExecutionTimeoutException>(() => execution.GetResultAsync());
    }

    [Fact]
    public void A_paused_clock_does_not_count_and_resumes_with_the_time_that_was_left()
    {
        var interrupts = 0;
        var execution = new Execution("cell", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), _ =>
        {
            interrupts++;
            return Task.CompletedTask;
        }, _time);

        _time.AdvanceInline(TimeSpan.FromSeconds(6));
        var outer = execution.PauseTimeout();
        var inner = execution.PauseTimeout();
        _time.AdvanceInline(TimeSpan.FromMinutes(5));
        inner.Dispose();
        _time.AdvanceInline(TimeSpan.FromMinutes(5));
        Assert.Equal(0, interrupts);

        outer.Dispose();
        outer.Dispose();
        _time.AdvanceInline(TimeSpan.FromSeconds(3.9));
        Assert.Equal(0, interrupts);

        _time.AdvanceInline(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, interrupts);
    }

    [Fact]
    public async Task Pausing_a_finished_execution_changes_nothing()
    {
        var execution = new Execution("cell", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), _ => Task.CompletedTask, _time);
        execution.Accept(Frames.Parse(Frames.Reply("cell")));
        execution.Accept(Frames.Parse(Frames.Status("cell", "idle")));
        await execution.GetResultAsync();

        using (execution.PauseTimeout())
        {
            _time.AdvanceInline(TimeSpan.FromSeconds(30));
        }

        Assert.True(execution.IsCompleted);
    }
}
