using System.Collections.Concurrent;

namespace IpyBox.AI.TestUtilities;

/// <summary>
/// A hand-written <see cref="ISandbox"/> for unit tests: it records submissions, resets, handlers and disposal, and
/// answers through callbacks. Without <see cref="OnSubmit"/> every execution completes at once with no output; without
/// <see cref="OnHealthCheck"/> it is healthy until disposed; without <see cref="OnWarmUp"/> a warm-up only counts.
/// </summary>
public sealed class FakeSandbox : ISandbox, ISandboxHealthCheck, ISandboxWarmUp
{
    private readonly ConcurrentQueue<FakeSubmission> _submissions = new();
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<IJupyterMessageHandler> _handlers = [];
    private int _resetCount;
    private int _healthCheckCount;
    private int _warmUpCount;
    private int _disposeCount;

    public FakeSandbox(string id = "fake-sandbox", SandboxRequest? request = null)
    {
        Id = id;
        Request = request ?? new SandboxRequest();
    }

    public string Id { get; }

    /// <summary>Gets the request the sandbox was created for.</summary>
    public SandboxRequest Request { get; }

    /// <summary>Gets the sandbox's files, which record their calls.</summary>
    public FakeSandboxFiles Files { get; } = new();

    ISandboxFiles ISandbox.Files => Files;

    /// <summary>
    /// Gets or sets what <see cref="SubmitAsync"/> returns, after the submission is recorded: e.g.
    /// <c>Execution.FromResult(new ExecutionResult("2"))</c>; await inside to hold the caller, throw to fail the submission.
    /// </summary>
    public Func<FakeSubmission, CancellationToken, Task<Execution>>? OnSubmit { get; set; }

    /// <summary>Gets or sets what <see cref="ResetAsync"/> does after it is counted; throw to fail the reset.</summary>
    public Func<CancellationToken, Task>? OnReset { get; set; }

    /// <summary>Gets or sets what <see cref="CheckHealthAsync"/> does after it is counted; throw (e.g. a <see cref="SandboxUnavailableException"/>) to report the sandbox broken.</summary>
    public Func<CancellationToken, Task>? OnHealthCheck { get; set; }

    /// <summary>Gets how many times <see cref="CheckHealthAsync"/> was called.</summary>
    public int HealthCheckCount => Volatile.Read(ref _healthCheckCount);

    /// <summary>Gets or sets what <see cref="WarmUpAsync"/> does after it is counted; throw to make the warm-up fail.</summary>
    public Func<CancellationToken, Task>? OnWarmUp { get; set; }

    /// <summary>Gets how many times <see cref="WarmUpAsync"/> was called.</summary>
    public int WarmUpCount => Volatile.Read(ref _warmUpCount);

    /// <summary>Gets the submissions, in the order they were made.</summary>
    public IReadOnlyList<FakeSubmission> Submissions => [.. _submissions];

    /// <summary>Gets how many times <see cref="ResetAsync"/> was called.</summary>
    public int ResetCount => Volatile.Read(ref _resetCount);

    /// <summary>Gets the message handlers currently registered.</summary>
    public IReadOnlyList<IJupyterMessageHandler> MessageHandlers
    {
        get
        {
            lock (_gate)
            {
                return [.. _handlers];
            }
        }
    }

    /// <summary>Gets how many times <see cref="DisposeAsync"/> was called (the sandbox counts as removed from the first).</summary>
    public int DisposeCount => Volatile.Read(ref _disposeCount);

    /// <summary>Gets a value indicating whether the sandbox was disposed.</summary>
    public bool IsDisposed => DisposeCount > 0;

    /// <summary>Gets a task that completes when the sandbox is first disposed.</summary>
    public Task Disposed => _disposed.Task;

    /// <exception cref="SandboxUnavailableException">The sandbox was disposed.</exception>
    public async Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        ThrowIfDisposed();
        var submission = new FakeSubmission(code, timeout);
        _submissions.Enqueue(submission);
        return OnSubmit is { } onSubmit
            ? await onSubmit(submission, cancellationToken)
            : Execution.FromResult(new ExecutionResult(null));
    }

    /// <exception cref="SandboxUnavailableException">The sandbox was disposed.</exception>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        Interlocked.Increment(ref _resetCount);
        if (OnReset is { } onReset)
        {
            await onReset(cancellationToken);
        }
    }

    /// <exception cref="SandboxUnavailableException">The sandbox was disposed.</exception>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _warmUpCount);
        ThrowIfDisposed();
        if (OnWarmUp is { } onWarmUp)
        {
            await onWarmUp(cancellationToken);
        }
    }

    /// <exception cref="SandboxUnavailableException">The sandbox was disposed.</exception>
    public async Task CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _healthCheckCount);
        ThrowIfDisposed();
        if (OnHealthCheck is { } onHealthCheck)
        {
            await onHealthCheck(cancellationToken);
        }
    }

    public IDisposable AddMessageHandler(IJupyterMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _handlers.Add(handler);
        }

        return new Registration(this, handler);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Increment(ref _disposeCount) == 1)
        {
            _disposed.TrySetResult();
        }

        return ValueTask.CompletedTask;
    }

    private void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            throw new SandboxUnavailableException($"The sandbox {Id} was disposed.");
        }
    }

    private sealed class Registration(FakeSandbox owner, IJupyterMessageHandler handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._handlers.Remove(handler);
            }
        }
    }
}
