using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests.Sandboxes;

/// <summary>
/// The warm pool takes each refill through its kernel's first execution (<see cref="ISandboxWarmUp"/>) before counting it
/// ready; that the warm-up leaves no trace in the kernel is tested against real kernels (WarmPoolTests).
/// </summary>
public sealed class PoolWarmUpTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);

    private readonly FakeSandboxProvider _provider = new();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Every_ready_sandbox_was_warmed_up_once_and_cold_starts_are_not()
    {
        await using var pool = new PoolingSandboxProvider(_provider, new WarmPoolOptions { MinWarm = 2, RefillDelay = TimeSpan.Zero }, timeProvider: _time);
        await pool.FillAsync().WaitAsync(s_hang);

        var handedOut = await pool.CreateAsync(new SandboxRequest { ConversationKey = "thread-1" });
        var cold = await pool.CreateAsync(new SandboxRequest { Labels = new Dictionary<string, string> { ["team"] = "a" } });
        await pool.FillAsync().WaitAsync(s_hang);

        Assert.Equal(1, handedOut.GetService<FakeSandbox>()!.WarmUpCount);
        Assert.Equal(0, cold.GetService<FakeSandbox>()!.WarmUpCount);
        Assert.All(_provider.Sandboxes.Where(s => s.Id != cold.Id), sandbox => Assert.Equal(1, sandbox.WarmUpCount));
        Assert.Equal(4, _provider.CreateCount);
        Assert.All(_provider.Sandboxes, sandbox => Assert.Empty(sandbox.Submissions));
    }

    [Fact]
    public async Task A_sandbox_whose_warm_up_fails_is_removed_and_counted_as_a_failed_refill()
    {
        // The warm-up fails only once WarmUpAsync waits: a failure before it would start the back-off, and a wait begun
        // during the back-off reports the retry, which the fake clock never reaches.
        var fail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.ConfigureSandbox = sandbox => sandbox.OnWarmUp = async _ =>
        {
            await fail.Task;
            throw new SandboxUnavailableException("The kernel's connection closed.");
        };
        await using var pool = new PoolingSandboxProvider(_provider, new WarmPoolOptions { MinWarm = 1 }, timeProvider: _time);
        var warmUp = pool.FillAsync();

        fail.SetResult();
        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => warmUp.WaitAsync(s_hang));

        Assert.Equal("The kernel's connection closed.", error.Message);
        Assert.True(Assert.Single(_provider.Sandboxes).IsDisposed);
        Assert.Equal(new WarmPoolStatistics(Warm: 0, Starting: 0, InUse: 0, HandedOut: 0, ColdStarts: 0, Discarded: 0, RefillFailures: 1), pool.GetStatistics());
    }
}
