using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using IpyBox.AI.Cli.Commands;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// The sandboxes of the service's principals. A sandbox is durable (<see cref="ServeOptions.Lease"/>) and carries its creator in
/// the metadata <see cref="PrincipalMetadataKey"/>, so any replica, or the service after a restart, finds it again by id and
/// knows whose it is. Every call names a sandbox id and is checked against the caller: another principal's sandbox answers
/// exactly like an unknown id. Attached sandboxes are cached in a <see cref="SandboxSessionManager"/> keyed by id (calls on
/// one id run one at a time; an idle one is detached), and quotas bound sandboxes and concurrent executions per principal.
/// </summary>
internal sealed partial class PrincipalSandboxes : IAsyncDisposable
{
    /// <summary>The metadata key that names the principal a sandbox belongs to.</summary>
    public const string PrincipalMetadataKey = "ipybox.principal";

    /// <summary>Metadata keys with this prefix are the service's own; a client may not set them.</summary>
    public const string ReservedMetadataPrefix = "ipybox.";

    private readonly OpenTelemetrySandboxProvider _docker;
    private readonly ISandboxDirectory _directory;
    private readonly AttachingSandboxProvider _attaching;
    private readonly ServeOptions _options;
    private readonly ExecutionQuota _executions;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _creating = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="PrincipalSandboxes"/> class.</summary>
    /// <param name="container">The sandboxes' container options.</param>
    /// <param name="options">The service's settings.</param>
    /// <param name="loggers">The logger factory.</param>
    public PrincipalSandboxes(ExecutionContainerOptions container, ServeOptions options, ILoggerFactory loggers)
    {
        _options = options;
        _logger = loggers.CreateLogger<PrincipalSandboxes>();

        // Traced and measured like the library's own providers (spans create_sandbox, attach_sandbox, execute_code, file calls);
        // with no listener this costs nothing. The directory comes through the decorator so that attaches are traced too.
        _docker = new OpenTelemetrySandboxProvider(new DockerSandboxProvider(container, loggerFactory: loggers));
        _directory = _docker.GetService<ISandboxDirectory>() ?? throw new InvalidOperationException("The Docker provider has no sandbox directory.");
        _attaching = new AttachingSandboxProvider(_docker, _directory);
        _executions = new ExecutionQuota(options.MaxConcurrentExecutionsPerPrincipal);
        var sessionOptions = new IpyBoxOptions
        {
            Container = container,
            Notebooks = null,
            MaxSessions = options.MaxAttached,
            SessionLimitBehavior = SessionLimitBehavior.EvictLeastRecentlyUsed,
            SessionIdleTimeout = options.AttachIdleTimeout,
        };

        // The host tools: every sandbox the service attaches (a created one, or one found again) gets the configured servers'
        // tools as mcptools packages; the servers are connected once, at the first attach, and shared by all sandboxes.
        foreach (var server in options.McpServers)
        {
            sessionOptions.McpServers.Add(server);
        }

        HostToolApprovals.Configure(sessionOptions.ToolBridge, options.DenyHostToolCalls, "ipybox serve");
        Sessions = new SandboxSessionManager(_attaching, sessionOptions, loggers);
        Tools = new SandboxTools(Sessions);
    }

    /// <summary>Gets the attached sandboxes, keyed by id.</summary>
    public SandboxSessionManager Sessions { get; }

    /// <summary>Gets the tool actions, over <see cref="Sessions"/>.</summary>
    public SandboxTools Tools { get; }

    /// <summary>Gets the service's settings.</summary>
    public ServeOptions Options => _options;

    /// <summary>The error text of an id that is unknown, malformed, deleted or another principal's: one text for all.</summary>
    public static string UnknownId(string? id) =>
        $"Error: no sandbox has the id '{Shorten(id)}'. Use an id returned by create_sandbox or listed by list_sandboxes.";

    /// <summary>Creates a durable sandbox for <paramref name="principal"/>.</summary>
    /// <returns>Its id.</returns>
    /// <exception cref="ServeRefusedException">The metadata is invalid or the principal has its most sandboxes.</exception>
    public async Task<string> CreateAsync(string principal, IReadOnlyDictionary<string, string>? metadata, string? snapshot, CancellationToken cancellationToken)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (key.StartsWith(ReservedMetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                throw new ServeRefusedException($"Error: metadata keys starting with '{ReservedMetadataPrefix}' are the service's own; choose another key than '{key}'.");
            }

            tags[key] = value;
        }

        tags[PrincipalMetadataKey] = principal;
        var gate = _creating.GetOrAdd(principal, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var count = (await ListAsync(principal, cancellationToken).ConfigureAwait(false)).Count;
            if (count >= _options.MaxSandboxesPerPrincipal)
            {
                throw new ServeRefusedException(
                    $"Error: you have {count} sandboxes, the most this service allows per principal ({_options.MaxSandboxesPerPrincipal}). " +
                    "Delete one you no longer need with delete_sandbox (list_sandboxes shows them), then create again.");
            }

            ISandbox sandbox;
            try
            {
                sandbox = await _docker.CreateAsync(
                    new SandboxRequest { Lease = _options.Lease, Metadata = tags, Snapshot = string.IsNullOrWhiteSpace(snapshot) ? null : snapshot },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                throw new ServeRefusedException($"Error: {ex.Message}");
            }

            _attaching.Adopt(sandbox);
            ServeLog.SandboxCreated(_logger, principal, sandbox.Id);
            try
            {
                // Into the cache at once: the handed-over sandbox is attached, and its lease renewed while it is used.
                await Sessions.GetOrCreateAsync(sandbox.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ServeLog.CacheFailed(_logger, sandbox.Id, ex);
            }

            return sandbox.Id;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Checks that <paramref name="id"/> names a sandbox of <paramref name="principal"/>.</summary>
    /// <returns>The id, normalised (lower case, trimmed).</returns>
    /// <exception cref="ServeRefusedException">It does not: <see cref="UnknownId"/>, whatever the reason.</exception>
    public async Task<string> CheckAsync(string principal, string? id, CancellationToken cancellationToken)
    {
        var normalized = id?.Trim().ToLowerInvariant() ?? string.Empty;

        // Whole ids only: a prefix would let a caller probe the id space.
        if (!FullId().IsMatch(normalized))
        {
            throw new ServeRefusedException(UnknownId(id));
        }

        var info = await _directory.FindAsync(normalized, cancellationToken).ConfigureAwait(false);
        if (info is null || info.Id != normalized || !info.Metadata.TryGetValue(PrincipalMetadataKey, out var owner) || owner != principal)
        {
            throw new ServeRefusedException(UnknownId(id));
        }

        return normalized;
    }

    /// <summary>Lists the sandboxes of <paramref name="principal"/>, newest first.</summary>
    public Task<IReadOnlyList<SandboxInfo>> ListAsync(string principal, CancellationToken cancellationToken)
    {
        var query = new SandboxQuery { DurableOnly = true };
        query.Metadata[PrincipalMetadataKey] = principal;
        return _directory.ListAsync(query, cancellationToken);
    }

    /// <summary>Detaches the service from a sandbox, then pauses it for its lease.</summary>
    public async Task PauseAsync(string id, CancellationToken cancellationToken)
    {
        await Sessions.EndSessionAsync(id, cancellationToken).ConfigureAwait(false);
        await _directory.PauseAsync(id, retention: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes a paused or stopped sandbox.</summary>
    public Task ResumeAsync(string id, CancellationToken cancellationToken) => _directory.ResumeAsync(id, cancellationToken);

    /// <summary>Detaches the service from a sandbox and deletes it with its storage.</summary>
    public async Task DeleteAsync(string principal, string id, CancellationToken cancellationToken)
    {
        await Sessions.EndSessionAsync(id, cancellationToken).ConfigureAwait(false);
        await _directory.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        ServeLog.SandboxDeleted(_logger, principal, id);
    }

    /// <summary>Takes an execution slot of <paramref name="principal"/>.</summary>
    /// <exception cref="ServeRefusedException">The principal runs its most executions already.</exception>
    public IDisposable EnterExecution(string principal) =>
        _executions.TryEnter(principal) ?? throw new ServeRefusedException(
            $"Error: you already run {_options.MaxConcurrentExecutionsPerPrincipal} cells or installations at once, the most this service allows per principal. " +
            "Wait for one to finish, then call again.");

    /// <summary>Detaches from every sandbox; they stay on the engine for their leases.</summary>
    public async ValueTask DisposeAsync()
    {
        await Sessions.DisposeAsync().ConfigureAwait(false);
        await _attaching.DetachUnusedAsync().ConfigureAwait(false);
        foreach (var gate in _creating.Values)
        {
            gate.Dispose();
        }
    }

    private static string Shorten(string? id) =>
        id is null ? string.Empty : id.Length <= 80 ? id : string.Concat(id.AsSpan(0, 80), "...");

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex FullId();
}
