using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Log messages of container upkeep: orphans of crashed processes, the volumes of removed containers and leftover networks (event ids 500-599).</summary>
internal static partial class Log
{
    [LoggerMessage(500, LogLevel.Information, "Removed container {ContainerId}, left behind by process {OwnerProcessId} on this machine, which is gone.")]
    public static partial void OrphanRemoved(ILogger logger, string containerId, int ownerProcessId);

    [LoggerMessage(501, LogLevel.Warning, "Could not look for containers left behind by crashed processes; 'ipybox cleanup --orphaned' removes them.")]
    public static partial void OrphanSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(502, LogLevel.Information, "Removed volume {Volume}, the /app of a sandbox container that was removed without it.")]
    public static partial void LeftoverVolumeRemoved(ILogger logger, string volume);

    [LoggerMessage(503, LogLevel.Information, "Removed network {NetworkId}, a network of the library that no container uses and that is not the sandbox network in use.")]
    public static partial void LeftoverNetworkRemoved(ILogger logger, string networkId);

    [LoggerMessage(504, LogLevel.Information, "Could not remove container {ContainerId} yet; trying again in {Delay}.")]
    public static partial void ContainerRemoveRetrying(ILogger logger, string containerId, TimeSpan delay, Exception exception);

    [LoggerMessage(506, LogLevel.Information, "Removed container {ContainerId}: the engine created it but its answer to the creation was lost.")]
    public static partial void UnansweredCreationRemoved(ILogger logger, string containerId);
}
