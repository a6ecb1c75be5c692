using System.Globalization;
using Docker.DotNet;

namespace IpyBox.AI;

/// <content>What the resource limits did to the kernel.</content>
public sealed partial class ExecutionContainer
{
    /// <summary>The OOM-kill counter of the container's memory cgroup: the first file for cgroup v2, the second for v1.</summary>
    private static readonly string[] s_oomCounterFiles = ["/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"];

    private long _oomKillsSeen;

    /// <summary>
    /// Says why a kernel of this container died when a limit killed it: the kernel's OOM killer counts its kills in the
    /// container's memory cgroup (the engine shows <c>OOMKilled</c> only for the container's main process, and the
    /// container survives a killed kernel). Returns <see langword="null"/> when no new OOM kill was counted.
    /// </summary>
    internal async Task<string?> ExplainKernelDeathAsync(CancellationToken cancellationToken)
    {
        var id = ContainerId;
        if (id is null || _engine is null)
        {
            return null;
        }

        DockerOperations.ExecResult counters;
        try
        {
            counters = await _engine.ExecAsync(id, ["cat", .. s_oomCounterFiles], user: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException)
        {
            return null;
        }

        // Only kills not reported before: each death is explained once.
        var kills = ParseOomKills(counters.StandardOutput);
        long seen;
        do
        {
            seen = Volatile.Read(ref _oomKillsSeen);
            if (kills <= seen)
            {
                return null;
            }
        }
        while (Interlocked.CompareExchange(ref _oomKillsSeen, kills, seen) != seen);

        var limit = Options.MemoryLimitBytes is { } bytes
            ? string.Create(CultureInfo.InvariantCulture, $"the sandbox's memory limit of {bytes / (1024.0 * 1024):0.#} MiB")
            : "the memory available to the sandbox";
        return $"it ran out of memory: the kernel's process was OOM-killed at {limit}; use less memory, or raise ExecutionContainerOptions.MemoryLimitBytes";
    }

    /// <summary>Reads the <c>oom_kill</c> count from the cgroup files' text; 0 when there is none.</summary>
    internal static long ParseOomKills(string text)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == "oom_kill" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                return count;
            }
        }

        return 0;
    }
}
