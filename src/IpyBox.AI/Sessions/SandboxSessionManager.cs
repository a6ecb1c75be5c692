using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI;

/// <summary>
/// One sandbox (container + kernel) per conversation: created on first use, reused after, removed when idle for
/// <see cref="IpyBoxOptions.SessionIdleTimeout"/>, when ended, when evicted to respect <see cref="IpyBoxOptions.MaxSessions"/>,
/// and all together when the manager is disposed. Calls in one conversation run one at a time; conversations run in parallel.
/// </summary>
/// <remarks>
/// With <see cref="IpyBoxOptions.Durability"/>, sandboxes outlive the manager: a conversation's first call attaches to the
/// sandbox its key already has on the engine (resuming it when paused or stopped) before creating one, an idle or evicted
/// sandbox is paused or stopped (<see cref="DurableSessionOptions.IdleAction"/>), disposing the manager leaves its sandboxes to
/// their leases, and only <see cref="EndSessionAsync"/> deletes them; a lost one is left, and the conversation's next call resumes it.
/// </remarks>
public sealed class SandboxSessionManager : IAsyncDisposable, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _disposing = new();
    private readonly ITimer? _sweeper;
    private readonly DefaultHostTools _defaultTools;
    private readonly ISandboxDirectory? _directory;
    private long _lastExpirySweepTicks;
    private int _sweeping;
    private int _disposed;

    /// <summary>
    /// Initializes a new instance of the <see cref="SandboxSessionManager"/> class with Docker sandboxes made from
    /// <see cref="IpyBoxOptions.Container"/> and <see cref="IpyBoxOptions.Client"/>. No container starts until a conversation needs one.
    /// </summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <param name="timeProvider">The clock for idle timeouts and the waits of the sandboxes' tool bridges; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public SandboxSessionManager(IpyBoxOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(provider: null, options, loggerFactory, timeProvider)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SandboxSessionManager"/> class. No sandbox is created until a conversation needs one.</summary>
    /// <param name="provider">Creates the sandboxes; <see langword="null"/> for Docker sandboxes made from <see cref="IpyBoxOptions.Container"/> and <see cref="IpyBoxOptions.Client"/>. The manager does not dispose it.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <param name="timeProvider">The clock for idle timeouts and the waits of the sandboxes' tool bridges; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public SandboxSessionManager(ISandboxProvider? provider, IpyBoxOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new IpyBoxOptions();
        Options.Validate();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<SandboxSessionManager>();
        _time = timeProvider ?? TimeProvider.System;
        Provider = provider ?? new DockerSandboxProvider(Options.Container, Options.Client, _loggerFactory);
        if (Options.Durability is not null)
        {
            _directory = Provider.GetService<ISandboxDirectory>() ?? throw new ArgumentException(
                $"IpyBoxOptions.Durability needs a provider that keeps sandboxes (one with an ISandboxDirectory, such as DockerSandboxProvider); {Provider.GetType().Name} has none.",
                nameof(options));
        }

        _defaultTools = new DefaultHostTools(Options, _loggerFactory);
        if (Options.SessionIdleTimeout != Timeout.InfiniteTimeSpan)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(Options.SessionIdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(30).Ticks));
            _sweeper = _time.CreateTimer(_ => _ = SweepAsync(), null, period, period);
        }
    }

    /// <summary>Gets the provider that creates the sandboxes.</summary>
    public ISandboxProvider Provider { get; }

    /// <summary>Gets the settings.</summary>
    public IpyBoxOptions Options { get; }

    /// <summary>Gets the number of live sandboxes, including those being created.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Gets the keys of the conversations that have a sandbox (live or being created).</summary>
    public IReadOnlyList<string> ConversationKeys
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Keys];
            }
        }
    }

    /// <summary>Gets the live sandboxes (those still being created are not included).</summary>
    public IReadOnlyList<SandboxSession> Sessions
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Values.Select(e => e.Session).OfType<SandboxSession>()];
            }
        }
    }

    internal ILoggerFactory LoggerFactory => _loggerFactory;

    /// <summary>Returns the conversation's sandbox, creating it on first use.</summary>
    /// <param name="conversationKey">The conversation (chat thread) key.</param>
    /// <param name="cancellationToken">Stops waiting; a sandbox being created for other callers keeps starting.</param>
    /// <returns>The live sandbox.</returns>
    /// <exception cref="SessionLimitException">The cap is reached and <see cref="SessionLimitBehavior.Reject"/> is configured.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public async Task<SandboxSession> GetOrCreateAsync(string conversationKey, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(conversationKey);
        Entry entry;
        Entry? evicted = null;
        var created = false;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_entries.TryGetValue(conversationKey, out var existing))
            {
                entry = existing;
                entry.Session?.Touch();
            }
            else
            {
                if (_entries.Count >= Options.MaxSessions)
                {
                    evicted = TakeVictim(conversationKey);
                }

                entry = new Entry(conversationKey);
                _entries[conversationKey] = entry;
                created = true;
            }
        }

        if (evicted is not null)
        {
            Log.SessionEvicted(_logger, evicted.Key, Options.MaxSessions);
            await ReleaseAsync(evicted, Release.Idle).ConfigureAwait(false);
        }

        if (created)
        {
            entry.Start(CreateAsync(entry));
        }

        return await entry.Creation.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Registers host tools in the conversation's sandbox (creating it on first use) as the Python package
    /// <c>mcptools.&lt;name&gt;</c>; calls are approved and bounded by <see cref="IpyBoxOptions.ToolBridge"/>. The registration
    /// lasts until it is disposed or the sandbox is removed; it survives kernel resets. For every conversation, use
    /// <see cref="IpyBoxOptions.HostToolSets"/>.
    /// </summary>
    /// <param name="conversationKey">The conversation key.</param>
    /// <param name="toolSet">The tools; any <c>AIFunction</c> can be one.</param>
    /// <param name="cancellationToken">Cancels waiting for the sandbox and writing the package.</param>
    /// <returns>The registration: the module to import and the generated functions with their signatures.</returns>
    /// <exception cref="InvalidOperationException">A tool set with the same package name is registered in the sandbox.</exception>
    /// <exception cref="SessionLimitException">The cap is reached and <see cref="SessionLimitBehavior.Reject"/> is configured.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public async Task<HostToolRegistration> AddHostToolsAsync(string conversationKey, HostToolSet toolSet, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(toolSet);
        var session = await GetOrCreateAsync(conversationKey, cancellationToken).ConfigureAwait(false);
        var registration = await session.RunAsync((sandbox, ct) => sandbox.AddHostToolsAsync(toolSet, Options.ToolBridge, ct), cancellationToken).ConfigureAwait(false);
        if (!session.KeepToolRegistration(registration))
        {
            registration.Dispose();
            throw new ObjectDisposedException(nameof(SandboxSession), "The conversation's sandbox was removed while its tools were being registered.");
        }

        return registration;
    }

    /// <summary>
    /// Starts or reaches an MCP server and registers its tools in the conversation's sandbox (creating it on first use) as
    /// the Python package named after the server; calls are approved and bounded by <see cref="IpyBoxOptions.ToolBridge"/>.
    /// The connection lasts until the registration is disposed or the sandbox is removed. For every conversation, use
    /// <see cref="IpyBoxOptions.McpServers"/>.
    /// </summary>
    /// <param name="conversationKey">The conversation key.</param>
    /// <param name="server">The server.</param>
    /// <param name="cancellationToken">Cancels connecting, waiting for the sandbox and writing the package.</param>
    /// <returns>The registration: the module to import, the generated functions with their signatures, and the connection.</returns>
    /// <exception cref="ArgumentException">The server's definition is invalid.</exception>
    /// <exception cref="McpServerException">The server could not be started or reached.</exception>
    /// <exception cref="InvalidOperationException">A tool set with the same package name is registered in the sandbox.</exception>
    /// <exception cref="SessionLimitException">The cap is reached and <see cref="SessionLimitBehavior.Reject"/> is configured.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public async Task<McpServerToolsRegistration> AddMcpServerToolsAsync(string conversationKey, McpServerDefinition server, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(server);
        server.Validate();
        var session = await GetOrCreateAsync(conversationKey, cancellationToken).ConfigureAwait(false);

        // Connect before taking the conversation's turn, so its calls do not wait for a slow server to start.
        var connection = await McpServerConnection.ConnectAsync(server, _loggerFactory, cancellationToken).ConfigureAwait(false);
        McpServerToolsRegistration registration;
        try
        {
            var tools = await session.RunAsync((sandbox, ct) => sandbox.AddHostToolsAsync(connection.ToolSet, Options.ToolBridge, ct), cancellationToken).ConfigureAwait(false);
            registration = new McpServerToolsRegistration(connection, tools);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (!session.KeepToolRegistration(registration))
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(SandboxSession), "The conversation's sandbox was removed while the MCP server's tools were being registered.");
        }

        return registration;
    }

    /// <summary>Removes the conversation's sandbox, if it has one.</summary>
    /// <param name="conversationKey">The conversation key.</param>
    /// <param name="cancellationToken">Cancels waiting for the removal; the sandbox is removed from the manager either way.</param>
    /// <returns><see langword="true"/> when a sandbox was removed.</returns>
    public async Task<bool> EndSessionAsync(string conversationKey, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(conversationKey);
        Entry? entry;
        lock (_lock)
        {
            if (!_entries.Remove(conversationKey, out entry))
            {
                return false;
            }
        }

        Log.SessionEnded(_logger, conversationKey, "ended by the application");
        await ReleaseAsync(entry, Release.Delete).WaitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Writes the cells the conversation's sandbox ran, with their outputs, as a Jupyter notebook (<c>.ipynb</c>, nbformat 4.5,
    /// images embedded). A cell still running is written with the outputs it produced so far.
    /// </summary>
    /// <param name="conversationKey">The conversation key.</param>
    /// <param name="destination">The stream to write to; it is left open.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when the conversation has a live sandbox and its notebook was written; <see langword="false"/> when it has none.</returns>
    /// <exception cref="InvalidOperationException">Notebook recording is off (<see cref="IpyBoxOptions.Notebooks"/> is <see langword="null"/>).</exception>
    public async Task<bool> ExportNotebookAsync(string conversationKey, Stream destination, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(conversationKey);
        Throw.IfNull(destination);
        if (Options.Notebooks is null)
        {
            throw new InvalidOperationException("Notebook recording is off: IpyBoxOptions.Notebooks is null. Set it to record the cells of each conversation.");
        }

        SandboxSession? session;
        lock (_lock)
        {
            session = _entries.TryGetValue(conversationKey, out var entry) ? entry.Session : null;
        }

        if (session is null || session.IsDisposed)
        {
            return false;
        }

        await session.Sandbox.ExportNotebookAsync(destination, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes a sandbox that failed, unless the conversation already has a newer one.</summary>
    private async Task DiscardAsync(SandboxSession session, string reason)
    {
        Entry? entry = null;
        lock (_lock)
        {
            if (_entries.TryGetValue(session.ConversationKey, out var current) && ReferenceEquals(current.Session, session))
            {
                _entries.Remove(session.ConversationKey);
                entry = current;
            }
        }

        Log.SessionEnded(_logger, session.ConversationKey, reason);
        // A durable sandbox found lost is only left: it may be paused or stopped by another process, or its container may
        // have ended, and the conversation's next call resumes it with its files; one that cannot be resumed is replaced
        // then and left to its lease.
        if (entry is not null)
        {
            await ReleaseAsync(entry, Release.Detach).ConfigureAwait(false);
        }
        else
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Removes every sandbox the manager created (with <see cref="IpyBoxOptions.Durability"/>: detaches from them, leaving each to its lease). Idempotent.</summary>
    /// <returns>A task that completes when every container is removed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        Entry[] entries;
        lock (_lock)
        {
            entries = [.. _entries.Values];
            _entries.Clear();
        }

        foreach (var entry in entries)
        {
            Log.SessionEnded(_logger, entry.Key, "the session manager was disposed");
        }

        await Task.WhenAll(entries.Select(e => e.DisposeAsync())).ConfigureAwait(false);
        await _defaultTools.DisposeAsync().ConfigureAwait(false);
        _disposing.Dispose();
    }

    /// <summary>Removes every sandbox the manager created, blocking until done. Prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Removes the sandboxes that have been idle for <see cref="IpyBoxOptions.SessionIdleTimeout"/>.</summary>
    internal async Task SweepAsync()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            var now = _time.GetUtcNow();
            List<Entry> idle = [];
            lock (_lock)
            {
                foreach (var entry in _entries.Values)
                {
                    if (entry.Session is { IsBusy: false } session && now - session.LastUsed >= Options.SessionIdleTimeout)
                    {
                        idle.Add(entry);
                    }
                }

                foreach (var entry in idle)
                {
                    _entries.Remove(entry.Key);
                }
            }

            foreach (var entry in idle)
            {
                Log.SessionEnded(_logger, entry.Key, $"idle for {Options.SessionIdleTimeout.TotalSeconds:0.#} s");
                await ReleaseAsync(entry, Release.Idle).ConfigureAwait(false);
            }

            await RemoveExpiredAsync(now).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.SweepFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private Entry TakeVictim(string requestedKey)
    {
        if (Options.SessionLimitBehavior == SessionLimitBehavior.Reject)
        {
            throw new SessionLimitException(
                $"Cannot create a sandbox for conversation '{requestedKey}': {Options.MaxSessions} sandboxes are live (IpyBoxOptions.MaxSessions). " +
                "End a conversation's sandbox (SandboxSessionManager.EndSessionAsync), wait for idle ones to expire, raise MaxSessions, " +
                "or set SessionLimitBehavior.EvictLeastRecentlyUsed.");
        }

        // Prefer a sandbox that is not in the middle of a call; creating ones cannot be evicted.
        var victim = _entries.Values
            .Where(e => e.Session is not null)
            .OrderBy(e => e.Session!.IsBusy)
            .ThenBy(e => e.Session!.LastUsed)
            .FirstOrDefault()
            ?? throw new SessionLimitException(
                $"Cannot create a sandbox for conversation '{requestedKey}': all {Options.MaxSessions} sandboxes (IpyBoxOptions.MaxSessions) are still starting. Try again shortly or raise MaxSessions.");
        _entries.Remove(victim.Key);
        return victim;
    }

    private async Task<SandboxSession> CreateAsync(Entry entry)
    {
        try
        {
            var sandbox = await AttachExistingAsync(entry.Key).ConfigureAwait(false)
                ?? await Provider.CreateAsync(NewRequest(entry.Key), _disposing.Token).ConfigureAwait(false);
            if (Options.Notebooks is { } notebooks)
            {
                sandbox = sandbox.WithNotebookRecording(notebooks);
            }

            // Outermost, so an approval request names the sandbox the session hands out.
            sandbox = sandbox.WithToolBridge(_loggerFactory, _time);

            IReadOnlyList<HostToolRegistration> tools;
            try
            {
                tools = await _defaultTools.RegisterAsync(sandbox, _disposing.Token).ConfigureAwait(false);
                if (Options.Skills is { } skills)
                {
                    await sandbox.AddSkillsAsync(skills, Options.SkillTenant?.Invoke(entry.Key), _disposing.Token).ConfigureAwait(false);
                }
            }
            catch
            {
                await sandbox.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            Log.SessionCreated(_logger, entry.Key, sandbox.Id);
            var session = new SandboxSession(entry.Key, sandbox, _loggerFactory.CreateLogger<SandboxSession>(), _time, lost => new(DiscardAsync(lost, "the sandbox was lost")));
            foreach (var registration in tools)
            {
                session.KeepToolRegistration(registration);
            }

            return session;
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                if (_entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
                {
                    _entries.Remove(entry.Key);
                }
            }

            Log.SessionCreationFailed(_logger, entry.Key, ex);
            throw;
        }
    }

    /// <summary>The request of a conversation's new sandbox: durable, with the scope as metadata, when <see cref="IpyBoxOptions.Durability"/> is set.</summary>
    private SandboxRequest NewRequest(string conversationKey) => Options.Durability is { } durability
        ? new SandboxRequest
        {
            ConversationKey = conversationKey,
            Lease = durability.Lease,
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [DurableSessionOptions.ScopeMetadataKey] = durability.Scope },
        }
        : new SandboxRequest { ConversationKey = conversationKey };

    /// <summary>
    /// With <see cref="IpyBoxOptions.Durability"/>, attaches to the sandbox the conversation already has on the engine (the
    /// newest of its scope; resumed when paused or stopped), or returns <see langword="null"/> when it has none or it cannot be attached.
    /// </summary>
    private async Task<ISandbox?> AttachExistingAsync(string conversationKey)
    {
        if (_directory is null || Options.Durability is not { } durability)
        {
            return null;
        }

        var query = new SandboxQuery { ConversationKey = conversationKey, DurableOnly = true };
        query.Metadata[DurableSessionOptions.ScopeMetadataKey] = durability.Scope;
        foreach (var existing in await _directory.ListAsync(query, _disposing.Token).ConfigureAwait(false))
        {
            try
            {
                var sandbox = await _directory.AttachAsync(existing.Id, _disposing.Token).ConfigureAwait(false);
                Log.SessionReattached(_logger, conversationKey, existing.Id, existing.State.ToString().ToLowerInvariant());
                return sandbox;
            }
            catch (Exception ex) when (ex is IpyBoxException or TimeoutException or HttpRequestException)
            {
                // Deleted meanwhile, or broken: the conversation gets a new sandbox; a broken one is left to its lease.
                Log.SessionReattachFailed(_logger, conversationKey, existing.Id, ex);
            }
        }

        return null;
    }

    /// <summary>How a conversation's sandbox leaves the manager.</summary>
    private enum Release
    {
        /// <summary>Idle or evicted: removed, or with durability the idle action (pause, stop or delete).</summary>
        Idle,

        /// <summary>Ended: removed, durable or not.</summary>
        Delete,

        /// <summary>Lost: removed; with durability only left, to be resumed or to expire.</summary>
        Detach,
    }

    /// <summary>Disposes the session's objects, then applies to a durable sandbox what <paramref name="how"/> asks of it.</summary>
    private async Task ReleaseAsync(Entry entry, Release how)
    {
        var session = await entry.DisposeAsync().ConfigureAwait(false);
        if (session is null || _directory is null || Options.Durability is not { } durability || how == Release.Detach)
        {
            return;
        }

        try
        {
            switch (how == Release.Delete ? SessionIdleAction.Remove : durability.IdleAction)
            {
                case SessionIdleAction.Pause:
                    await _directory.PauseAsync(session.SandboxId, durability.PausedRetention, CancellationToken.None).ConfigureAwait(false);
                    break;
                case SessionIdleAction.Stop:
                    await _directory.StopAsync(session.SandboxId, durability.StoppedRetention, CancellationToken.None).ConfigureAwait(false);
                    break;
                default:
                    await _directory.DeleteAsync(session.SandboxId, CancellationToken.None).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is IpyBoxException or TimeoutException)
        {
            // Gone already, or the engine is away: its lease still ends it.
            Log.SessionReleaseFailed(_logger, entry.Key, session.SandboxId, ex);
        }
    }

    /// <summary>With durability, removes the sandboxes whose lease expired, at most once a minute (any process may; live leases are never touched).</summary>
    private async Task RemoveExpiredAsync(DateTimeOffset now)
    {
        if (_directory is null || now.UtcTicks - Interlocked.Read(ref _lastExpirySweepTicks) < TimeSpan.TicksPerMinute)
        {
            return;
        }

        Interlocked.Exchange(ref _lastExpirySweepTicks, now.UtcTicks);
        await _directory.RemoveExpiredAsync(_disposing.Token).ConfigureAwait(false);
    }

    /// <summary>A conversation's sandbox, possibly still being created.</summary>
    private sealed class Entry(string key)
    {
        private readonly TaskCompletionSource<SandboxSession> _creation = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Key { get; } = key;

        public Task<SandboxSession> Creation => _creation.Task;

        public SandboxSession? Session => _creation.Task.IsCompletedSuccessfully ? _creation.Task.Result : null;

        public void Start(Task<SandboxSession> creation) =>
            creation.ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        _creation.TrySetResult(t.Result);
                    }
                    else if (t.IsCanceled)
                    {
                        _creation.TrySetException(new ObjectDisposedException(nameof(SandboxSessionManager), "The session manager was disposed while the sandbox was starting."));
                    }
                    else
                    {
                        _creation.TrySetException(t.Exception!.InnerExceptions);
                    }
                },
                TaskScheduler.Default);

        /// <summary>Disposes the session once created; returns it, or <see langword="null"/> when its creation failed (and removed its own container).</summary>
        public async Task<SandboxSession?> DisposeAsync()
        {
            SandboxSession session;
            try
            {
                session = await _creation.Task.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return null;
            }

            await session.DisposeAsync().ConfigureAwait(false);
            return session;
        }
    }
}
