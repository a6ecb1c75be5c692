using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI;

/// <summary>
/// A warm pool: keeps <see cref="WarmPoolOptions.MinWarm"/> ready sandboxes (kernel running, nothing executed in it) made
/// by an inner provider, hands one out on <see cref="CreateAsync"/> and starts a replacement in the background, so a new
/// conversation does not wait for a container and a kernel to start.
/// </summary>
/// <remarks>
/// <para>
/// A ready sandbox is handed out once and never comes back: disposing it removes it, as it would without the pool. Before
/// handing one out the pool runs its <see cref="ISandboxHealthCheck"/> (for Docker: the container is running and the
/// kernel's connection is open); a sandbox that fails is removed, counted in <see cref="WarmPoolStatistics.Discarded"/>,
/// replaced, and the request gets the next one.
/// </para>
/// <para>
/// The pool's sandboxes are all made from one template: a request that only names its conversation. A request with
/// <see cref="SandboxRequest.BypassPool"/> set, or with <see cref="SandboxRequest.Labels"/> (they are fixed when a sandbox is
/// created), is passed to the inner provider unchanged (a cold start); so is a request that finds no ready sandbox and no
/// refill it can wait for. Backend settings (image, environment, binds, network, limits) belong to the inner provider, so
/// every sandbox it makes matches them.
/// </para>
/// <para>
/// Conversations: a ready sandbox is created before anyone knows which conversation it will serve, and Docker labels cannot
/// change after creation. The pool's requests therefore carry its <see cref="PoolId"/> as <see cref="SandboxRequest.PoolId"/>
/// and no conversation: the Docker backend labels such containers with <c>ai.ipybox.pool</c> and no conversation label. Which conversation took which sandbox is
/// logged (Information, "handed out sandbox ... for conversation ...") and, in process,
/// <see cref="SandboxSessionManager.Sessions"/> maps each conversation to its sandbox id. <c>ipybox cleanup --label
/// ai.ipybox.pool=&lt;PoolId&gt;</c> finds a pool's containers; filtering by the conversation label finds only cold-started ones.
/// </para>
/// <para>
/// Filling starts when the pool is created; <see cref="FillAsync"/> waits until it is full. Disposing the pool removes
/// every ready sandbox and waits for refills in flight; sandboxes already handed out belong to their callers (a
/// <see cref="SandboxSessionManager"/> removes its own when it is disposed).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var pool = new PoolingSandboxProvider(new DockerSandboxProvider(), new WarmPoolOptions { MinWarm = 4, MaxTotal = 12 });
/// await using var manager = new SandboxSessionManager(pool, new IpyBoxOptions { MaxSessions = 8 });
/// </code>
/// </example>
public sealed class PoolingSandboxProvider : DelegatingSandboxProvider, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan s_firstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Queue<ISandbox> _warm = new();
    private readonly LinkedList<TaskCompletionSource<ISandbox?>> _waiters = new();
    private readonly List<TaskCompletionSource> _warmUpWaiters = [];
    private readonly CancellationTokenSource _disposing = new();
    private readonly SandboxRequest _template;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _minWarm;
    private readonly int _maxTotal;
    private readonly int _maxConcurrentRefills;
    private readonly TimeSpan _refillDelay;
    private int _refilling;
    private int _coldStarting;
    private int _inUse;
    private int _removing;
    private long _handedOut;
    private long _coldStarts;
    private long _discarded;
    private long _refillFailures;
    private TimeSpan _retryDelay;
    private ITimer? _retryTimer;
    private ITimer? _refillTimer;
    private TaskCompletionSource? _drained;
    private Task? _disposal;

    /// <summary>Initializes a new instance of the <see cref="PoolingSandboxProvider"/> class and starts filling the pool in the background.</summary>
    /// <param name="innerProvider">Creates the sandboxes, ready ones and cold starts alike. The pool does not dispose it.</param>
    /// <param name="options">The pool's settings; <see langword="null"/> for the defaults. They are read once, here.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <param name="timeProvider">The clock for the delay before a failed refill is retried; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerProvider"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public PoolingSandboxProvider(ISandboxProvider innerProvider, WarmPoolOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : base(innerProvider)
    {
        options ??= new WarmPoolOptions();
        options.Validate();
        _minWarm = options.MinWarm;
        _maxTotal = options.MaxTotal;
        _maxConcurrentRefills = options.MaxConcurrentRefills;
        _refillDelay = options.RefillDelay;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PoolingSandboxProvider>();
        _time = timeProvider ?? TimeProvider.System;
        PoolId = RandomNumberGenerator.GetHexString(12, lowercase: true);
        _template = new SandboxRequest
        {
            PoolId = PoolId,
            Snapshot = options.Snapshot,
        };
        Refill();
    }

    /// <summary>Tells whether a ready sandbox fits <paramref name="request"/>: nothing it asks for is fixed at creation differently from the pool's sandboxes.</summary>
    private bool CanServe(SandboxRequest request) =>
        !request.BypassPool
        && request.Labels.Count == 0
        && request.Metadata.Count == 0
        && request.Lease is null
        && (request.Snapshot is null || request.Snapshot == _template.Snapshot);

    /// <summary>Gets the pool's identity: the <see cref="SandboxRequest.PoolId"/> of the sandboxes it starts ahead of time.</summary>
    public string PoolId { get; }

    /// <summary>Hands out a ready sandbox, or passes the request to the inner provider when no ready sandbox can serve it.</summary>
    /// <param name="request">
    /// What the sandbox is for. A request with <see cref="SandboxRequest.BypassPool"/>, <see cref="SandboxRequest.Labels"/>,
    /// <see cref="SandboxRequest.Metadata"/> or a <see cref="SandboxRequest.Lease"/> (all fixed when a sandbox is created), or for
    /// a snapshot other than <see cref="WarmPoolOptions.Snapshot"/>, is never served from the pool.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait; a ready sandbox taken meanwhile goes back to the pool.</param>
    /// <returns>The sandbox; the caller disposes it, which removes it and makes room for a refill.</returns>
    /// <exception cref="SandboxLimitException"><see cref="WarmPoolOptions.MaxTotal"/> sandboxes are alive or starting and none can serve the request.</exception>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    /// <exception cref="IpyBoxException">A cold start failed (see the inner provider).</exception>
    public override async Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default)
    {
        if (request is not null && !CanServe(request))
        {
            return await ColdStartOutsideTemplateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            ISandbox? candidate;
            TaskCompletionSource<ISandbox?>? waiter = null;
            lock (_gate)
            {
                ThrowIfDisposed();
                if (_warm.TryDequeue(out candidate))
                {
                    _inUse++;
                }
                else if (_refilling > _waiters.Count)
                {
                    // A refill already under way is further along than a cold start begun now.
                    waiter = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiters.AddLast(waiter);
                }
                else if (Total < _maxTotal)
                {
                    _coldStarting++;
                }
                else
                {
                    throw LimitReached();
                }
            }

            if (candidate is null && waiter is null)
            {
                Refill();
                return await ColdStartReservedAsync(request, "no ready sandbox", cancellationToken).ConfigureAwait(false);
            }

            if (waiter is not null)
            {
                Refill();
                candidate = await WaitForRefillAsync(waiter, cancellationToken).ConfigureAwait(false);
                if (candidate is null)
                {
                    continue; // The refill failed: decide again.
                }
            }

            if (await IsHealthyAsync(candidate!, cancellationToken).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _handedOut);
                Log.PoolHandedOut(_logger, PoolId, candidate!.Id, request?.ConversationKey ?? "(none)");
                RefillAfterHandOut();
                return new PooledSandbox(candidate, Release);
            }
        }
    }

    /// <summary>Waits until <see cref="WarmPoolOptions.MinWarm"/> sandboxes are ready, e.g. at application start.</summary>
    /// <remarks>When <see cref="WarmPoolOptions.MaxTotal"/> leaves no room for them, it waits until handed-out sandboxes are disposed.</remarks>
    /// <param name="cancellationToken">Cancels the wait; filling goes on.</param>
    /// <returns>A task that completes when the pool is full.</returns>
    /// <exception cref="IpyBoxException">A refill failed while waiting (the pool retries it after a delay); the error says why.</exception>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    public async Task FillAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource ready;
        lock (_gate)
        {
            ThrowIfDisposed();
            if (_warm.Count >= _minWarm)
            {
                return;
            }

            ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _warmUpWaiters.Add(ready);
        }

        Refill();
        try
        {
            await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                _warmUpWaiters.Remove(ready);
            }

            throw;
        }
    }

    /// <summary>Returns a snapshot of the pool's state and counters.</summary>
    /// <returns>The statistics.</returns>
    public WarmPoolStatistics GetStatistics()
    {
        lock (_gate)
        {
            return new WarmPoolStatistics(_warm.Count, _refilling + _coldStarting, _inUse, _handedOut, _coldStarts, _discarded, _refillFailures);
        }
    }

    /// <summary>Removes every ready sandbox and waits for refills in flight (they are cancelled and what they started is removed). Idempotent.</summary>
    /// <returns>A task that completes when the pool holds nothing.</returns>
    public ValueTask DisposeAsync()
    {
        ISandbox[] warm;
        ITimer? timer;
        Task drained;
        TaskCompletionSource completion;
        lock (_gate)
        {
            if (_disposal is not null)
            {
                return new ValueTask(_disposal);
            }

            completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _disposal = completion.Task;
            warm = [.. _warm];
            _warm.Clear();
            var disposed = new ObjectDisposedException(nameof(PoolingSandboxProvider), "The warm pool was disposed.");
            foreach (var waiter in _waiters)
            {
                waiter.TrySetException(disposed);
            }

            _waiters.Clear();
            foreach (var waiter in _warmUpWaiters)
            {
                waiter.TrySetException(disposed);
            }

            _warmUpWaiters.Clear();
            timer = _retryTimer;
            _retryTimer = null;
            _refillTimer?.Dispose();
            _refillTimer = null;
            _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
            SignalIfDrained();
            drained = _drained.Task;
        }

        return new ValueTask(DrainAsync(warm, timer, drained, completion));
    }

    /// <summary>Removes every ready sandbox, blocking until done. Prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Gets the sandboxes counted against the cap. Call under <see cref="_gate"/>.</summary>
    private int Total => _warm.Count + _refilling + _coldStarting + _inUse;

    private async Task DrainAsync(ISandbox[] warm, ITimer? timer, Task drained, TaskCompletionSource completion)
    {
        timer?.Dispose();
        await _disposing.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(warm.Select(RemoveQuietlyAsync)).ConfigureAwait(false);
        await drained.ConfigureAwait(false);
        _disposing.Dispose();
        Log.PoolDrained(_logger, PoolId, warm.Length);
        completion.TrySetResult();
    }

    /// <summary>Starts the refills a hand-out calls for after <see cref="WarmPoolOptions.RefillDelay"/>; hand-outs meanwhile join them.</summary>
    private void RefillAfterHandOut()
    {
        lock (_gate)
        {
            if (_refillDelay > TimeSpan.Zero)
            {
                if (_refillTimer is null && _disposal is null)
                {
                    _refillTimer = _time.CreateTimer(_ => RefillNow(), null, _refillDelay, Timeout.InfiniteTimeSpan);
                }

                return;
            }
        }

        Refill();
    }

    private void RefillNow()
    {
        lock (_gate)
        {
            _refillTimer?.Dispose();
            _refillTimer = null;
        }

        Refill();
    }

    /// <summary>Starts as many refills as the pool lacks, within the cap and the refill concurrency; none while backing off after a failure.</summary>
    private void Refill()
    {
        int start;
        lock (_gate)
        {
            if (_disposal is not null || _retryTimer is not null)
            {
                return;
            }

            var lacking = _minWarm + _waiters.Count - _warm.Count - _refilling;
            start = Math.Min(lacking, Math.Min(_maxTotal - Total, _maxConcurrentRefills - _refilling));
            if (start <= 0)
            {
                return;
            }

            _refilling += start;
        }

        for (var i = 0; i < start; i++)
        {
            // On the thread pool: whatever the inner provider does before its first await must not delay a hand-out.
            _ = Task.Run(RefillOneAsync);
        }
    }

    private async Task RefillOneAsync()
    {
        ISandbox? sandbox = null;
        Exception? error = null;
        try
        {
            sandbox = await InnerProvider.CreateAsync(_template, _disposing.Token).ConfigureAwait(false);
            if (sandbox.GetService<ISandboxWarmUp>() is { } warmUp)
            {
                await warmUp.WarmUpAsync(_disposing.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = ex;
            if (sandbox is not null)
            {
                await RemoveQuietlyAsync(sandbox).ConfigureAwait(false);
                sandbox = null;
            }
        }

        TimeSpan? retryIn = null;
        bool disposed;
        lock (_gate)
        {
            disposed = _disposal is not null;
            if (!disposed)
            {
                _refilling--;
                if (sandbox is not null)
                {
                    Accept(sandbox);
                }
                else
                {
                    retryIn = Fail(error!);
                }
            }
        }

        if (!disposed)
        {
            if (sandbox is not null)
            {
                Log.PoolRefilled(_logger, PoolId, sandbox.Id);
                Refill();
            }
            else
            {
                Log.PoolRefillFailed(_logger, PoolId, retryIn!.Value.TotalSeconds, error!);
            }

            return;
        }

        // The pool was disposed meanwhile: remove what the refill made, then let the disposal finish.
        if (sandbox is not null)
        {
            await RemoveQuietlyAsync(sandbox).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _refilling--;
            SignalIfDrained();
        }
    }

    /// <summary>Gives a new sandbox to the longest waiting request, else makes it ready. Call under <see cref="_gate"/>.</summary>
    private void Accept(ISandbox sandbox)
    {
        _retryDelay = TimeSpan.Zero;
        if (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            _inUse++;
            first.Value.TrySetResult(sandbox);
            return;
        }

        _warm.Enqueue(sandbox);
        if (_warm.Count >= _minWarm)
        {
            foreach (var waiter in _warmUpWaiters)
            {
                waiter.TrySetResult();
            }

            _warmUpWaiters.Clear();
        }
    }

    /// <summary>Counts a failed refill, starts the back-off and tells waiters that can no longer count on a refill. Call under <see cref="_gate"/>.</summary>
    private TimeSpan Fail(Exception error)
    {
        _refillFailures++;
        _retryDelay = _retryDelay == TimeSpan.Zero ? s_firstRetryDelay : TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, s_maxRetryDelay.Ticks));
        _retryTimer ??= _time.CreateTimer(_ => EndBackOff(), null, _retryDelay, Timeout.InfiniteTimeSpan);
        while (_waiters.Count > _refilling)
        {
            // The newest waiter decides again: it may start a cold start (and see the error itself) or wait for another refill.
            var last = _waiters.Last!;
            _waiters.RemoveLast();
            last.Value.TrySetResult(null);
        }

        foreach (var waiter in _warmUpWaiters)
        {
            waiter.TrySetException(error);
        }

        _warmUpWaiters.Clear();
        return _retryDelay;
    }

    private void EndBackOff()
    {
        ITimer? timer;
        lock (_gate)
        {
            timer = _retryTimer;
            _retryTimer = null;
        }

        timer?.Dispose();
        Refill();
    }

    private async Task<ISandbox?> WaitForRefillAsync(TaskCompletionSource<ISandbox?> waiter, CancellationToken cancellationToken)
    {
        try
        {
            return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ISandbox? served = null;
            lock (_gate)
            {
                if (!_waiters.Remove(waiter) && waiter.Task.IsCompletedSuccessfully)
                {
                    served = waiter.Task.Result;
                }
            }

            if (served is not null)
            {
                ReturnUnused(served);
            }

            throw;
        }
    }

    private async Task<bool> IsHealthyAsync(ISandbox sandbox, CancellationToken cancellationToken)
    {
        if (sandbox.GetService<ISandboxHealthCheck>() is not { } check)
        {
            return true;
        }

        try
        {
            await check.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ReturnUnused(sandbox);
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            lock (_gate)
            {
                _inUse--;
                _discarded++;
                _removing++;
            }

            Log.PoolDiscarded(_logger, PoolId, sandbox.Id, ex.Message);
            _ = RemoveCountedAsync(sandbox);
            Refill();
            return false;
        }
    }

    /// <summary>Puts back a ready sandbox that was taken but not handed out (the request was cancelled).</summary>
    private void ReturnUnused(ISandbox sandbox)
    {
        lock (_gate)
        {
            _inUse--;
            if (_disposal is null)
            {
                _warm.Enqueue(sandbox);
                return;
            }

            _removing++;
        }

        _ = RemoveCountedAsync(sandbox);
    }

    /// <summary>A request the template cannot serve goes to the inner provider; at the cap a ready sandbox is removed to make room.</summary>
    private async Task<ISandbox> ColdStartOutsideTemplateAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        ISandbox? evicted = null;
        lock (_gate)
        {
            ThrowIfDisposed();
            if (Total >= _maxTotal)
            {
                if (!_warm.TryDequeue(out evicted))
                {
                    throw LimitReached();
                }

                _removing++;
            }

            _coldStarting++;
        }

        if (evicted is not null)
        {
            Log.PoolMadeRoom(_logger, PoolId, evicted.Id);
            _ = RemoveCountedAsync(evicted);
        }

        return await ColdStartReservedAsync(request, "the request has labels, which the pool's sandboxes lack", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a sandbox through the inner provider for a request that already holds a place under the cap.</summary>
    private async Task<ISandbox> ColdStartReservedAsync(SandboxRequest? request, string reason, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _coldStarts);
        Log.PoolColdStart(_logger, PoolId, request?.ConversationKey ?? "(none)", reason);
        ISandbox sandbox;
        try
        {
            sandbox = await InnerProvider.CreateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                _coldStarting--;
            }

            Refill();
            throw;
        }

        lock (_gate)
        {
            _coldStarting--;
            _inUse++;
        }

        return new PooledSandbox(sandbox, Release);
    }

    /// <summary>A handed-out sandbox was disposed: it no longer counts against the cap.</summary>
    private void Release()
    {
        lock (_gate)
        {
            _inUse--;
        }

        Refill();
    }

    /// <summary>Removes a sandbox counted in <see cref="_removing"/>; the pool's disposal waits for it.</summary>
    private async Task RemoveCountedAsync(ISandbox sandbox)
    {
        await RemoveQuietlyAsync(sandbox).ConfigureAwait(false);
        lock (_gate)
        {
            _removing--;
            SignalIfDrained();
        }
    }

    private async Task RemoveQuietlyAsync(ISandbox sandbox)
    {
        try
        {
            await sandbox.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.PoolRemoveFailed(_logger, PoolId, sandbox.Id, ex);
        }
    }

    /// <summary>Completes the disposal's wait once no refill or removal is in flight. Call under <see cref="_gate"/>.</summary>
    private void SignalIfDrained()
    {
        if (_drained is not null && _refilling == 0 && _removing == 0)
        {
            _drained.TrySetResult();
        }
    }

    private SandboxLimitException LimitReached() =>
        new($"The warm pool {PoolId} cannot start another sandbox: {_maxTotal} are alive or starting (WarmPoolOptions.MaxTotal) and none is ready. " +
            "Dispose sandboxes that are no longer needed (under a session manager: end conversations or let idle ones expire), " +
            "or raise MaxTotal to at least the session manager's MaxSessions + MinWarm.");

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposal is not null, this);
}
