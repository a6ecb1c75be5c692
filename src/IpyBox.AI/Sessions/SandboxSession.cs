using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// The sandbox of one conversation. Calls are serialised: one runs at a time, in the order they arrive. Obtain sessions
/// from a <see cref="SandboxSessionManager"/>, which also removes them.
/// </summary>
public sealed class SandboxSession : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly List<object> _toolRegistrations = [];
    private readonly Func<SandboxSession, ValueTask> _onLost;
    private long _lastUsedTicks;
    private int _busy;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="SandboxSession"/> class.</summary>
    /// <param name="conversationKey">The conversation.</param>
    /// <param name="sandbox">Its sandbox.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="time">The clock of <see cref="LastUsed"/>.</param>
    /// <param name="onLost">Removes the session when a call found its sandbox lost, so the conversation's next call gets a new one.</param>
    internal SandboxSession(string conversationKey, ISandbox sandbox, ILogger logger, TimeProvider time, Func<SandboxSession, ValueTask> onLost)
    {
        ConversationKey = conversationKey;
        Sandbox = sandbox;
        _logger = logger;
        _time = time;
        _onLost = onLost;
        Touch();
    }

    /// <summary>Gets the conversation key this sandbox belongs to.</summary>
    public string ConversationKey { get; }

    /// <summary>Gets the sandbox. Calls made on it directly are not serialised with the session's, and a loss they find does not replace it; use <see cref="RunAsync"/> for that.</summary>
    public ISandbox Sandbox { get; }

    /// <summary>Gets the id of the sandbox (the container id for Docker; kept after removal, for diagnostics).</summary>
    public string SandboxId => Sandbox.Id;

    /// <summary>Gets when the sandbox was last used.</summary>
    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    /// <summary>Gets a value indicating whether a call is running or waiting.</summary>
    public bool IsBusy => Volatile.Read(ref _busy) > 0;

    /// <summary>Gets a value indicating whether the sandbox was removed.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Runs <paramref name="action"/> on the sandbox once the calls before it have finished.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="action">The work; it receives the sandbox.</param>
    /// <param name="cancellationToken">Cancels waiting and the work.</param>
    /// <returns>The result of <paramref name="action"/>.</returns>
    /// <exception cref="ObjectDisposedException">The sandbox was removed.</exception>
    /// <exception cref="SandboxUnavailableException">The sandbox was lost; the session is removed, and the conversation's next call gets a new sandbox.</exception>
    public async Task<T> RunAsync<T>(Func<ISandbox, CancellationToken, Task<T>> action, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(action);
        T result = default!;
        await RunAsync(async (sandbox, ct) => { result = await action(sandbox, ct).ConfigureAwait(false); }, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Runs <paramref name="action"/> on the sandbox once the calls before it have finished.</summary>
    /// <param name="action">The work; it receives the sandbox.</param>
    /// <param name="cancellationToken">Cancels waiting and the work.</param>
    /// <returns>A task that completes when <paramref name="action"/> has.</returns>
    /// <exception cref="ObjectDisposedException">The sandbox was removed.</exception>
    /// <exception cref="SandboxUnavailableException">The sandbox was lost; the session is removed, and the conversation's next call gets a new sandbox.</exception>
    public async Task RunAsync(Func<ISandbox, CancellationToken, Task> action, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(action);
        try
        {
            await RunInTurnAsync(action, cancellationToken).ConfigureAwait(false);
        }
        catch (SandboxUnavailableException)
        {
            await _onLost(this).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Executes code in the sandbox's kernel, after the calls before it.</summary>
    /// <param name="code">The Python code.</param>
    /// <param name="timeout">The time limit; <see langword="null"/> for the backend's <see cref="ExecutionClientOptions.DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the execution.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ExecutionException">The code raised a Python exception.</exception>
    /// <exception cref="TimeoutException">The execution timed out; the kernel was interrupted and its state kept.</exception>
    /// <exception cref="SandboxUnavailableException">The connection to the kernel was lost.</exception>
    public Task<ExecutionResult> ExecuteAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        RunAsync((sandbox, ct) => sandbox.ExecuteAsync(code, timeout, ct), cancellationToken);

    /// <summary>Replaces the kernel with a fresh one: variables, imports and definitions are gone; files in <c>/app</c> stay.</summary>
    /// <param name="cancellationToken">Cancels the reset.</param>
    /// <returns>A task that completes when the new kernel is ready.</returns>
    /// <exception cref="SandboxUnavailableException">No new kernel could be started; the sandbox must be replaced.</exception>
    public Task ResetAsync(CancellationToken cancellationToken = default) =>
        RunAsync(
            async (sandbox, ct) =>
            {
                await sandbox.ResetAsync(ct).ConfigureAwait(false);
                Log.KernelReset(_logger, ConversationKey);
            },
            cancellationToken);

    /// <summary>Removes the sandbox (the Docker backend deletes the kernel and the container). Idempotent.</summary>
    /// <returns>A task that completes when the sandbox is removed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // A running call keeps the gate; removing the sandbox ends it with SandboxUnavailableException.
        await Sandbox.DisposeAsync().ConfigureAwait(false);
        await DisposeToolRegistrationsAsync().ConfigureAwait(false);
    }

    /// <summary>Keeps a tool registration (<see cref="HostToolRegistration"/> or <see cref="McpServerToolsRegistration"/>) until the sandbox is removed.</summary>
    /// <returns><see langword="false"/> when the sandbox is already removed; the caller disposes the registration.</returns>
    internal bool KeepToolRegistration(object registration)
    {
        lock (_toolRegistrations)
        {
            if (IsDisposed)
            {
                return false;
            }

            _toolRegistrations.Add(registration);
            return true;
        }
    }

    private async Task DisposeToolRegistrationsAsync()
    {
        object[] registrations;
        lock (_toolRegistrations)
        {
            registrations = [.. _toolRegistrations];
            _toolRegistrations.Clear();
        }

        foreach (var registration in registrations)
        {
            if (registration is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                ((IDisposable)registration).Dispose();
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> once the calls before it have finished, keeping <see cref="IsBusy"/> and <see cref="LastUsed"/>.</summary>
    private async Task RunInTurnAsync(Func<ISandbox, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _busy);
        try
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(IsDisposed, this);
                Touch();
                await action(Sandbox, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Touch();
                _gate.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _busy);
        }
    }

    internal void Touch() => Interlocked.Exchange(ref _lastUsedTicks, _time.GetUtcNow().UtcTicks);
}
