using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// The sandbox of one conversation: a container and a kernel in it. Calls are serialised: one runs at a time, in the
/// order they arrive. Obtain sessions from a <see cref="SandboxSessionManager"/>, which also removes them.
/// </summary>
public sealed class SandboxSession : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IpyBoxOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private ExecutionClient? _client;
    private long _lastUsedTicks;
    private int _busy;
    private int _disposed;

    private SandboxSession(string conversationKey, ExecutionContainer container, IpyBoxOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ConversationKey = conversationKey;
        Container = container;
        Files = new ResourceClient(container, loggerFactory.CreateLogger<ResourceClient>());
        _options = options;
        _loggerFactory = loggerFactory;
        _time = time;
        Touch();
    }

    /// <summary>Gets the conversation key this sandbox belongs to.</summary>
    public string ConversationKey { get; }

    /// <summary>Gets the container.</summary>
    public ExecutionContainer Container { get; }

    /// <summary>Gets the client for the files under <c>/app</c> in the container. Calls through it are not serialised; use <see cref="RunAsync{T}"/> for that.</summary>
    public ResourceClient Files { get; }

    /// <summary>Gets the id of the container (kept after removal, for diagnostics).</summary>
    public string ContainerId { get; private set; } = string.Empty;

    /// <summary>Gets when the sandbox was last used.</summary>
    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    /// <summary>Gets a value indicating whether a call is running or waiting.</summary>
    public bool IsBusy => Volatile.Read(ref _busy) > 0;

    /// <summary>Gets a value indicating whether the sandbox was removed.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Starts a container and a kernel.</summary>
    internal static async Task<SandboxSession> StartAsync(string conversationKey, IpyBoxOptions options, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        var container = new ExecutionContainer(options.Container, loggerFactory.CreateLogger<ExecutionContainer>());
        var session = new SandboxSession(conversationKey, container, options, loggerFactory, time);
        try
        {
            await container.RunAsync(cancellationToken).ConfigureAwait(false);
            session.ContainerId = container.ContainerId ?? string.Empty;
            session._client = await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> with the kernel client once the calls before it have finished.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="action">The work; it receives the kernel client of this sandbox.</param>
    /// <param name="cancellationToken">Cancels waiting and the work.</param>
    /// <returns>The result of <paramref name="action"/>.</returns>
    /// <exception cref="ObjectDisposedException">The sandbox was removed.</exception>
    public async Task<T> RunAsync<T>(Func<ExecutionClient, CancellationToken, Task<T>> action, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(action);
        Interlocked.Increment(ref _busy);
        try
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(IsDisposed, this);
                var client = _client ?? throw new SandboxUnavailableException(
                    $"The kernel of conversation '{ConversationKey}' could not be restarted; the sandbox must be replaced.");
                Touch();
                return await action(client, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Executes code in the sandbox's kernel, after the calls before it.</summary>
    /// <param name="code">The Python code.</param>
    /// <param name="timeout">The time limit; <see langword="null"/> for <see cref="IpyBoxOptions.ExecutionTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the execution.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ExecutionException">The code raised a Python exception.</exception>
    /// <exception cref="TimeoutException">The execution timed out; the kernel was interrupted and its state kept.</exception>
    /// <exception cref="SandboxUnavailableException">The connection to the kernel was lost.</exception>
    public Task<ExecutionResult> ExecuteAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        RunAsync((client, ct) => client.ExecuteAsync(code, timeout ?? _options.ExecutionTimeout, ct), cancellationToken);

    /// <summary>Replaces the kernel with a fresh one: variables, imports and definitions are gone; files in <c>/app</c> stay.</summary>
    /// <param name="cancellationToken">Cancels the reset.</param>
    /// <returns>A task that completes when the new kernel is ready.</returns>
    public Task ResetAsync(CancellationToken cancellationToken = default) =>
        RunAsync<bool>(
            async (client, ct) =>
            {
                await client.DisposeAsync().ConfigureAwait(false);
                _client = null;
                try
                {
                    _client = await ConnectAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    throw new SandboxUnavailableException($"A new kernel could not be started after the reset ({ex.Message}).", ex);
                }

                Log.KernelReset(_loggerFactory.CreateLogger<SandboxSession>(), ConversationKey);
                return true;
            },
            cancellationToken);

    /// <summary>Deletes the kernel and removes the container. Idempotent.</summary>
    /// <returns>A task that completes when the container is removed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // A running call keeps the gate; removing the container ends it with SandboxUnavailableException.
        var client = _client;
        if (client is not null)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        await Container.DisposeAsync().ConfigureAwait(false);
    }

    private Task<ExecutionClient> ConnectAsync(CancellationToken cancellationToken) =>
        ExecutionClient.CreateAsync(Container, _options.Client, _loggerFactory.CreateLogger<ExecutionClient>(), cancellationToken);

    internal void Touch() => Interlocked.Exchange(ref _lastUsedTicks, _time.GetUtcNow().UtcTicks);
}
