using System.Globalization;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <content>Durable containers: attached to from any process, kept by a lease instead of this object.</content>
public sealed partial class ExecutionContainer
{
    private CancellationTokenSource? _leaseKeeperStop;
    private Task? _leaseKeeper;
    private bool _attached;
    private bool _deleteOnDispose;

    /// <summary>Gets the container's lease, or <see langword="null"/> for a container that is removed with the object that created it.</summary>
    /// <remarks>A durable container (one with a lease) outlives this object: <see cref="DisposeAsync"/> only detaches from it.</remarks>
    public TimeSpan? Lease { get; private set; }

    /// <summary>Gets a value indicating whether the container outlives this object (it has a <see cref="Lease"/>).</summary>
    public bool IsDurable => Lease is not null;

    /// <summary>Gets a value indicating whether this object started the server of a stopped container, so no kernel from before runs.</summary>
    internal bool ServerRestarted { get; private set; }

    /// <summary>
    /// Attaches to a container the library created, in this process or another: resumes it when paused, starts it when stopped
    /// (with the firewall it was created with, before any kernel), and renews its lease while this object lives.
    /// Disposing the result detaches; <see cref="DeleteAsync"/> removes the container.
    /// </summary>
    /// <exception cref="SandboxNotFoundException">No container of the library has this id.</exception>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    internal static async Task<ExecutionContainer> AttachAsync(ExecutionContainerOptions options, ILoggerFactory? loggerFactory, string sandboxId, CancellationToken cancellationToken)
    {
        var engine = new DockerOperations(IpyBox.AI.DockerEndpoint.Resolve(options.DockerEndpoint), s_engineTimeout, options.TimeProvider);
        ExecutionContainer? container = null;
        try
        {
            await engine.PingAsync(cancellationToken).ConfigureAwait(false);
            var inspected = await FindSandboxAsync(engine, sandboxId, cancellationToken).ConfigureAwait(false);
            var labels = LabelsOf(inspected);
            if (!labels.TryGetValue(ContainerLabels.Token, out var token) || token.Length == 0)
            {
                throw new IpyBoxException(
                    $"Container {Short(inspected.ID)} was made by an earlier version of IpyBox.AI, which kept its server's token to itself; it cannot be attached to. " +
                    "Its own process can still use it; 'ipybox cleanup' removes it once that process is gone.");
            }

            container = new ExecutionContainer(options, loggerFactory, token, inspected.Config?.Image)
            {
                _engine = engine,
                _attached = true,
                ContainerId = inspected.ID,
                Lease = ContainerLease.LengthOf(labels),
                _runsAsRoot = inspected.Config?.User is null or "" or "root" or "0",
            };
            container._runtime = await SandboxRuntime.ResolveAsync(engine, inspected.HostConfig?.Runtime, cancellationToken).ConfigureAwait(false);
            await container.ResumeCoreAsync(inspected, cancellationToken).ConfigureAwait(false);
            await container.ReadLimitsOfAttachedAsync(inspected, cancellationToken).ConfigureAwait(false);
            if (container.Lease is { } lease)
            {
                await container.RenewLeaseAsync(lease, cancellationToken).ConfigureAwait(false);
            }

            Log.ContainerAttached(container._logger, inspected.ID, container.ServerRestarted ? "started again" : inspected.State?.Status ?? "unknown");
            container.StartLeaseKeeper();
            return container;
        }
        catch
        {
            if (container is null)
            {
                engine.Dispose();
            }
            else
            {
                await container.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Inspects the library's container with this id (or unique id prefix).</summary>
    /// <exception cref="SandboxNotFoundException">No container of the library has this id.</exception>
    internal static async Task<ContainerInspectResponse> FindSandboxAsync(DockerOperations engine, string sandboxId, CancellationToken cancellationToken)
    {
        Throw.IfNullOrWhiteSpace(sandboxId);
        // Only ids: a name would let a lease's changing name, or another program's container name, stand for a sandbox.
        if (!sandboxId.All(char.IsAsciiHexDigitLower) || sandboxId.Length is < 12 or > 64)
        {
            throw new SandboxNotFoundException($"'{sandboxId}' is not a sandbox id: give the 64 lowercase hex digits of ISandbox.Id, or at least their first 12.");
        }

        var inspected = await engine.InspectContainerAsync(sandboxId, cancellationToken).ConfigureAwait(false);
        if (inspected?.Config?.Labels is not { } labels
            || !inspected.ID.StartsWith(sandboxId, StringComparison.Ordinal)
            || !labels.TryGetValue(ContainerLabels.Managed, out var managed) || managed != "true")
        {
            throw new SandboxNotFoundException(
                $"No sandbox has the id {sandboxId} on the engine at {engine.Endpoint.Uri}: it was deleted, or its lease expired and a sweep removed it. ISandboxDirectory.ListAsync lists the sandboxes there.");
        }

        return inspected;
    }

    /// <summary>The labels of a container that <see cref="FindSandboxAsync"/> returned (it has them).</summary>
    internal static IDictionary<string, string> LabelsOf(ContainerInspectResponse inspected) =>
        inspected.Config?.Labels ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Removes the container and its storage, durable or not, and releases this object.</summary>
    /// <returns>A task that completes when the container is removed, or its removal failed (logged).</returns>
    internal async ValueTask DeleteAsync()
    {
        _deleteOnDispose = true;
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Gets a value indicating whether disposing this object removes the container: it created a container that is not durable, or it was asked to delete.</summary>
    internal bool RemovesOnDispose => _deleteOnDispose || (!_attached && !IsDurable);

    /// <summary>Brings an existing container to running: thaws a paused one, starts a stopped one (token, port, firewall, server).</summary>
    private async Task ResumeCoreAsync(ContainerInspectResponse inspected, CancellationToken cancellationToken)
    {
        var id = inspected.ID;
        if (inspected.State?.Paused == true)
        {
            await Engine.UnpauseContainerAsync(id, cancellationToken).ConfigureAwait(false);
        }

        if (inspected.State?.Running == true)
        {
            ExecutorPort = await WaitForPortAsync(id, cancellationToken).ConfigureAwait(false);
            return;
        }

        var firewall = LabelsOf(inspected).TryGetValue(ContainerLabels.Firewall, out var text)
            ? JsonSerializer.Deserialize<List<string>>(text)
            : null;
        await BringUpAsync(id, firewall, cancellationToken).ConfigureAwait(false);
        ServerRestarted = true;
    }

    /// <summary>Moves the lease's expiry to <paramref name="length"/> from now unless it is already later (a retention set by a pause or stop, say).</summary>
    private async Task RenewLeaseAsync(TimeSpan length, CancellationToken cancellationToken)
    {
        var id = ContainerId;
        if (id is null)
        {
            return;
        }

        var inspected = await Engine.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
        if (inspected is null)
        {
            return;
        }

        var wanted = Options.TimeProvider.GetUtcNow() + length;
        if (ContainerLease.NeedsRenewal(ContainerLease.ExpiryOf(inspected.Name), wanted))
        {
            await Engine.RenameContainerAsync(id, ContainerLease.Renamed(inspected.Name, wanted), cancellationToken).ConfigureAwait(false);
        }
    }

    private void StartLeaseKeeper()
    {
        if (Lease is not { } length || _leaseKeeper is not null)
        {
            return;
        }

        _leaseKeeperStop = new CancellationTokenSource();
        _leaseKeeper = KeepLeaseAsync(length, _leaseKeeperStop.Token);
    }

    /// <summary>Renews the lease every third of its length while this object lives, so a live process never loses its sandbox to a sweep.</summary>
    private async Task KeepLeaseAsync(TimeSpan length, CancellationToken cancellationToken)
    {
        var interval = length / 3;
        while (true)
        {
            try
            {
                await Task.Delay(interval, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
                await RenewLeaseAsync(length, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DockerUnavailableException or DockerApiException)
            {
                Log.LeaseRenewFailed(_logger, ContainerId ?? "(none)", ex);
            }
        }
    }

    private async Task StopLeaseKeeperAsync()
    {
        if (_leaseKeeperStop is null || _leaseKeeper is null)
        {
            return;
        }

        await _leaseKeeperStop.CancelAsync().ConfigureAwait(false);
        await _leaseKeeper.ConfigureAwait(false);
        _leaseKeeperStop.Dispose();
        _leaseKeeperStop = null;
        _leaseKeeper = null;
    }
}
