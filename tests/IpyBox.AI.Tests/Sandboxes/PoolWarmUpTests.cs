using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests.Sandboxes;

/// <summary>
/// The warm pool takes each refill through its kernel's first execution (<see cref="ISandboxWarmUp"/>) before counting it
/// ready; that the warm-up leaves no trace in the kernel is tested against real kernels (WarmPoolTests).
/// </summary>
public sealed class PoolWarmUpTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);

    private readonly WarmableProvider _provider = new();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Every_ready_sandbox_was_warmed_up_once_and_cold_starts_are_not()
    {
        await using var pool = new PoolingSandboxProvider(_provider, new WarmPoolOptions { MinWarm = 2 }, timeProvider: _time);
        await pool.WarmUpAsync().WaitAsync(s_hang);

        var handedOut = await pool.CreateAsync(new SandboxRequest { ConversationKey = "thread-1" });
        var cold = await pool.CreateAsync(new SandboxRequest { Labels = new Dictionary<string, string> { ["team"] = "a" } });
        await pool.WarmUpAsync().WaitAsync(s_hang);

        Assert.Equal(1, handedOut.GetService<WarmableSandbox>()!.WarmUps);
        Assert.Equal(0, cold.GetService<WarmableSandbox>()!.WarmUps);
        Assert.All(_provider.Created.Where(s => s.Id != cold.Id), sandbox => Assert.Equal(1, sandbox.WarmUps));
        Assert.Equal(4, _provider.Created.Count);
    }

    [Fact]
    public async Task A_sandbox_whose_warm_up_fails_is_removed_and_counted_as_a_failed_refill()
    {
        _provider.OnWarmUp = _ => throw new SandboxUnavailableException("The kernel's connection closed.");
        await using var pool = new PoolingSandboxProvider(_provider, new WarmPoolOptions { MinWarm = 1 }, timeProvider: _time);

        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => pool.WarmUpAsync().WaitAsync(s_hang));

        Assert.Equal("The kernel's connection closed.", error.Message);
        var sandbox = Assert.Single(_provider.Created);
        Assert.True(sandbox.Inner.IsDisposed);
        Assert.Equal(new WarmPoolStatistics(Warm: 0, Starting: 0, InUse: 0, HandedOut: 0, ColdStarts: 0, Discarded: 0, RefillFailures: 1), pool.GetStatistics());
    }

    private sealed class WarmableProvider : ISandboxProvider
    {
        private readonly FakeSandboxProvider _inner = new();
        private readonly List<WarmableSandbox> _created = [];

        public Func<CancellationToken, Task>? OnWarmUp { get; set; }

        public IReadOnlyList<WarmableSandbox> Created
        {
            get
            {
                lock (_created)
                {
                    return [.. _created];
                }
            }
        }

        public async Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default)
        {
            var sandbox = new WarmableSandbox((FakeSandbox)await _inner.CreateAsync(request, cancellationToken), this);
            lock (_created)
            {
                _created.Add(sandbox);
            }

            return sandbox;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
    }

    private sealed class WarmableSandbox(FakeSandbox inner, WarmableProvider provider) : ISandbox, ISandboxWarmUp
    {
        private int _warmUps;

        public FakeSandbox Inner => inner;

        public int WarmUps => Volatile.Read(ref _warmUps);

        public string Id => inner.Id;

        public ISandboxFiles Files => inner.Files;

        public Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
            inner.SubmitAsync(code, timeout, cancellationToken);

        public Task ResetAsync(CancellationToken cancellationToken = default) => inner.ResetAsync(cancellationToken);

        public IDisposable AddMessageHandler(IJupyterMessageHandler handler) => inner.AddMessageHandler(handler);

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType.IsInstanceOfType(this) ? this : inner.GetService(serviceType, serviceKey);

        public Task WarmUpAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _warmUps);
            return provider.OnWarmUp?.Invoke(cancellationToken) ?? Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
