using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// The Docker backend's <see cref="ISandboxDirectory"/>: sandboxes are the library's containers on the provider's engine with
/// its extra labels, found by container id from any process. Pausing is the engine's pause (the cgroup freezer); stopping
/// is the engine's stop, after which the container's volumes keep <c>/app</c> and (for durable sandboxes) the packages.
/// </summary>
internal sealed class DockerSandboxDirectory : ISandboxDirectory
{
    /// <summary>How long a stopping kernel server gets after SIGTERM before the engine kills it.</summary>
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(10);

    private readonly DockerSandboxProvider _provider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    public DockerSandboxDirectory(DockerSandboxProvider provider, ILoggerFactory loggerFactory)
    {
        _provider = provider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<DockerSandboxDirectory>();
    }

    private ExecutionContainerOptions Options => _provider.ContainerOptions;

    public async Task<ISandbox> AttachAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        var container = await ExecutionContainer.AttachAsync(Options, _loggerFactory, sandboxId, cancellationToken).ConfigureAwait(false);
        try
        {
            return await _provider.OpenSandboxAsync(container, attach: true, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<SandboxInfo?> FindAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        using var engine = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return SandboxDescription.From(await ExecutionContainer.FindSandboxAsync(engine, sandboxId, cancellationToken).ConfigureAwait(false));
        }
        catch (SandboxNotFoundException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<SandboxInfo>> ListAsync(SandboxQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new SandboxQuery();
        SandboxMetadata.Validate(query.Metadata, nameof(query));
        using var engine = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await ListCoreAsync(engine, query, cancellationToken).ConfigureAwait(false);
    }

    public Task PauseAsync(string sandboxId, TimeSpan? retention = null, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(sandboxId, retention, SandboxState.Paused, (engine, id, ct) => engine.PauseContainerAsync(id, ct), cancellationToken);

    public Task StopAsync(string sandboxId, TimeSpan? retention = null, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(sandboxId, retention, SandboxState.Stopped, async (engine, id, ct) =>
        {
            // A frozen container cannot take the stop signal.
            await engine.UnpauseContainerAsync(id, ct).ConfigureAwait(false);
            await engine.StopContainerAsync(id, s_stopGrace, ct).ConfigureAwait(false);
        }, cancellationToken);

    public async Task ResumeAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        var container = await ExecutionContainer.AttachAsync(Options, _loggerFactory, sandboxId, cancellationToken).ConfigureAwait(false);
        await container.DisposeAsync().ConfigureAwait(false);
        Log.SandboxStateChanged(_logger, sandboxId, "running");
    }

    public async Task<bool> DeleteAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        using var engine = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        string id;
        try
        {
            id = (await ExecutionContainer.FindSandboxAsync(engine, sandboxId, cancellationToken).ConfigureAwait(false)).ID;
        }
        catch (SandboxNotFoundException)
        {
            return false;
        }

        var removed = await engine.RemoveContainerAsync(id, cancellationToken).ConfigureAwait(false);
        Log.SandboxStateChanged(_logger, id, "deleted");
        return removed;
    }

    public async Task<IReadOnlyList<SandboxInfo>> RemoveExpiredAsync(CancellationToken cancellationToken = default)
    {
        using var engine = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var now = Options.TimeProvider.GetUtcNow();
        var removed = new List<SandboxInfo>();
        foreach (var candidate in await ListCoreAsync(engine, new SandboxQuery { DurableOnly = true }, cancellationToken).ConfigureAwait(false))
        {
            if (!candidate.IsExpired(now))
            {
                continue;
            }

            // Asked again just before removing: a holder may have renewed the lease since the list was made.
            var current = await engine.InspectContainerAsync(candidate.Id, cancellationToken).ConfigureAwait(false);
            if (current is null || !SandboxDescription.From(current).IsExpired(Options.TimeProvider.GetUtcNow()))
            {
                continue;
            }

            if (await engine.RemoveContainerAsync(candidate.Id, cancellationToken).ConfigureAwait(false))
            {
                Log.ExpiredSandboxRemoved(_logger, candidate.Id, candidate.LeaseExpires!.Value);
                removed.Add(candidate);
            }
        }

        return removed;
    }

    /// <summary>Applies a pause or stop, then sets a durable sandbox's lease to <paramref name="retention"/> (or its length) from now.</summary>
    private async Task ChangeStateAsync(
        string sandboxId,
        TimeSpan? retention,
        SandboxState state,
        Func<DockerOperations, string, CancellationToken, Task> change,
        CancellationToken cancellationToken)
    {
        if (retention is { } r)
        {
            Throw.IfNotPositive(r);
        }

        using var engine = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var inspected = await ExecutionContainer.FindSandboxAsync(engine, sandboxId, cancellationToken).ConfigureAwait(false);
        try
        {
            await change(engine, inspected.ID, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            throw new IpyBoxException($"Sandbox {inspected.ID} could not be {state.ToString().ToLowerInvariant()}: {ex.ResponseBody?.Trim()}", ex);
        }

        if (ContainerLease.LengthOf(ExecutionContainer.LabelsOf(inspected)) is { } length)
        {
            var expires = Options.TimeProvider.GetUtcNow() + (retention ?? length);
            await engine.RenameContainerAsync(inspected.ID, ContainerLease.Renamed(inspected.Name, expires), cancellationToken).ConfigureAwait(false);
        }

        Log.SandboxStateChanged(_logger, inspected.ID, state.ToString().ToLowerInvariant());
    }

    private async Task<IReadOnlyList<SandboxInfo>> ListCoreAsync(DockerOperations engine, SandboxQuery query, CancellationToken cancellationToken)
    {
        // Sandboxes carry their server's token; the library's helper containers (firewall, snapshot builder) do not.
        var labels = new List<string> { $"{ContainerLabels.Managed}=true", ContainerLabels.Token };
        labels.AddRange(Options.Labels.Select(label => $"{label.Key}={label.Value}"));
        labels.AddRange(query.Metadata.Select(entry => $"{ContainerLabels.MetadataPrefix}{entry.Key}={entry.Value}"));
        if (query.ConversationKey is { } conversation)
        {
            labels.Add($"{ContainerLabels.Conversation}={conversation}");
        }

        if (query.DurableOnly)
        {
            labels.Add(ContainerLabels.Lease);
        }

        var found = await engine.ListContainersAsync(labels, cancellationToken).ConfigureAwait(false);
        return found
            .Select(SandboxDescription.From)
            .Where(sandbox => query.State is not { } state || sandbox.State == state)
            .OrderByDescending(sandbox => sandbox.Created)
            .ToList();
    }

    private Task<DockerOperations> ConnectAsync(CancellationToken cancellationToken) =>
        DockerOperations.ConnectAsync(_provider.ResolveEndpoint(), TimeSpan.FromSeconds(100), Options.TimeProvider, cancellationToken);
}
