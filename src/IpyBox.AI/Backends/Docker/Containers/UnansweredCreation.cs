using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// Settles a container creation whose answer was lost (the engine could not be reached, or the connection was cut): the
/// engine may have created the container, may be creating it now, or may get the request later (still on its way, or
/// waiting for a busy engine). Every container is created under a unique name, so the engine itself is the arbiter:
/// no two containers can hold that name at once.
/// </summary>
/// <remarks>
/// <para>Each round asks the engine to create a <em>claim</em>: a minimal container (never started, no volume) under the
/// same name, with the same labels.</para>
/// <list type="bullet">
/// <item>The claim is refused (409): the lost creation holds the name (done, or under way). It is removed by name. A
/// creation still under way has reserved the name but is not registered yet (removal answers 404): the next round tries
/// again, until it is registered and removed, or the watch ends.</item>
/// <item>The claim is created: the lost creation has not reached the engine (yet). While the claim holds the name, a lost
/// request that arrives late is refused by the engine (409) and creates nothing, its volume included. The claim is kept
/// for the rest of the watch, then removed.</item>
/// <item>The engine cannot be reached: the next round tries again.</item>
/// </list>
/// <para>Covered: the lost creation registered before the first round, during the watch, or arriving at the engine at
/// any time during the watch. Not covered: a request that reaches the engine only after the watch ended (after the claim
/// is removed), and an engine unreachable for the whole watch; such a container carries the owner labels, so the orphan
/// sweep (<c>ipybox cleanup</c>, the next <see cref="SandboxSessionManager"/> start) removes it once this process is gone.</para>
/// <para>The first round runs before the caller's error is thrown (a creation that registered is gone when the caller
/// learns of the failure); the rest runs in the background, on its own engine client, so the error is not delayed.</para>
/// </remarks>
internal sealed class UnansweredCreation
{
    private static readonly TimeSpan s_firstRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_longestRetryDelay = TimeSpan.FromSeconds(4);

    private readonly CreateContainerParameters _claim;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private string? _claimId;

    /// <summary>Initializes a settlement of the creation <paramref name="lost"/>, which must carry a name.</summary>
    public UnansweredCreation(CreateContainerParameters lost, TimeProvider time, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(lost.Name);
        _claim = new CreateContainerParameters
        {
            Name = lost.Name,
            Image = lost.Image,
            Labels = lost.Labels,
            HostConfig = new HostConfig { NetworkMode = "none" },
        };
        _time = time;
        _logger = logger;
    }

    private string Name => _claim.Name!;

    /// <summary>
    /// Runs the first round on <paramref name="engine"/>, then, unless that settled it, the rest in the background on a
    /// client of its own for <paramref name="watch"/>. Never throws.
    /// </summary>
    /// <returns>The background watch, or a completed task when the first round settled it.</returns>
    public async Task<Task> SettleAsync(DockerOperations engine, TimeSpan watch)
    {
        var deadline = _time.GetUtcNow() + watch;
        if (await TryRoundAsync(engine).ConfigureAwait(false) && _claimId is null)
        {
            return Task.CompletedTask;
        }

        var endpoint = engine.Endpoint;
        return Task.Run(() => WatchAsync(endpoint, deadline));
    }

    private async Task WatchAsync(DockerEndpoint endpoint, DateTimeOffset deadline)
    {
        try
        {
            using var engine = new DockerOperations(endpoint, TimeSpan.FromSeconds(60), _time);
            var delay = s_firstRetryDelay;
            while (_claimId is null)
            {
                if (_time.GetUtcNow() >= deadline)
                {
                    Log.ContainerRemoveFailed(_logger, $"{Name} (creation without an answer)", new TimeoutException("The engine neither registered nor refused the creation in time."));
                    return;
                }

                await Task.Delay(delay, _time).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_longestRetryDelay.Ticks));
                if (await TryRoundAsync(engine).ConfigureAwait(false) && _claimId is null)
                {
                    return;
                }
            }

            // The claim refuses any late arrival of the lost request until the watch ends.
            var left = deadline - _time.GetUtcNow();
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, _time).ConfigureAwait(false);
            }

            await RemoveClaimAsync(engine, delay).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ContainerRemoveFailed(_logger, $"{Name} (creation without an answer)", ex);
        }
    }

    /// <summary>One round: claim the name, or remove the container that holds it.</summary>
    /// <returns><see langword="true"/> when the name is settled (removed, or claimed here); <see langword="false"/> to try again.</returns>
    private async Task<bool> TryRoundAsync(DockerOperations engine)
    {
        try
        {
            _claimId = await engine.CreateContainerAsync(_claim, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            // The lost creation holds the name; 404 (not registered yet) and 409 (being removed) leave it for the next round.
            if (await engine.RemoveContainerAsync(Name, CancellationToken.None).ConfigureAwait(false))
            {
                Log.UnansweredCreationRemoved(_logger, Name);
                return true;
            }

            return false;
        }
        catch (DockerUnavailableException)
        {
            return false;
        }
    }

    private async Task RemoveClaimAsync(DockerOperations engine, TimeSpan delay)
    {
        var removeBy = _time.GetUtcNow() + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                await engine.RemoveContainerAsync(_claimId!, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (DockerUnavailableException) when (_time.GetUtcNow() < removeBy)
            {
                await Task.Delay(delay, _time).ConfigureAwait(false);
            }
        }
    }
}
