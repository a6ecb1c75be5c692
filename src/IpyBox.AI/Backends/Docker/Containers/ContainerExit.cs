using System.Globalization;
using Docker.DotNet.Models;

namespace IpyBox.AI;

/// <summary>Says in words why a container stopped, from what the engine recorded: its status, exit code and OOM kill.</summary>
internal static class ContainerExit
{
    /// <summary>Describes the stop of a container in <paramref name="state"/>, e.g. "status exited, exit code 137: killed by SIGKILL".</summary>
    /// <param name="state">The state the engine reports.</param>
    /// <param name="memoryLimitBytes">The container's memory limit, named when the engine says the container was OOM-killed.</param>
    public static string Describe(State? state, long? memoryLimitBytes)
    {
        var code = state?.ExitCode ?? 0;
        var text = string.Create(CultureInfo.InvariantCulture, $"status {state?.Status}, exit code {code}");
        if (state?.OOMKilled == true)
        {
            var limit = memoryLimitBytes is { } bytes
                ? string.Create(CultureInfo.InvariantCulture, $"its memory limit of {bytes / (1024.0 * 1024):0.#} MiB")
                : "the memory available to it";
            return $"{text}: it ran out of memory and was OOM-killed at {limit}; raise ExecutionContainerOptions.MemoryLimitBytes";
        }

        return code switch
        {
            137 => $"{text}: killed by SIGKILL (by a process inside it, the engine, or the host's OOM killer)",
            143 => $"{text}: stopped by SIGTERM",
            > 128 and < 160 => string.Create(CultureInfo.InvariantCulture, $"{text}: killed by signal {code - 128}"),
            _ => text,
        };
    }
}
