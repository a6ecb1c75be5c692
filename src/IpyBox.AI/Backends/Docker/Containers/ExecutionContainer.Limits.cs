using System.Globalization;
using Docker.DotNet;

namespace IpyBox.AI;

/// <content>What the resource limits did to the kernel.</content>
public sealed partial class ExecutionContainer
{
    /// <summary>The OOM-kill counter of the container's memory cgroup: the first file for cgroup v2, the second for v1.</summary>
    private static readonly string[] s_oomCounterFiles = ["/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"];

    private long _oomKillsSeen;

    /// <summary>The memory limit of an attached container, as it was created (this object's options may say otherwise).</summary>
    private long? _attachedMemoryLimit;

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

        if (await ReadOomKillsAsync(id, cancellationToken).ConfigureAwait(false) is not { } kills)
        {
            return null;
        }

        // Only kills not reported before: each death is explained once.
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

        var limit = (_attachedMemoryLimit ?? Options.MemoryLimitBytes) is { } bytes
            ? string.Create(CultureInfo.InvariantCulture, $"the sandbox's memory limit of {bytes / (1024.0 * 1024):0.#} MiB")
            : "the memory available to the sandbox";
        return $"it ran out of memory: the kernel's process was OOM-killed at {limit}; use less memory, or raise ExecutionContainerOptions.MemoryLimitBytes";
    }

    /// <summary>
    /// Takes an attached container's memory limit and the OOM kills it has counted so far (by whichever process used it before),
    /// so that only kills from now on explain a kernel's death.
    /// </summary>
    private async Task ReadLimitsOfAttachedAsync(Docker.DotNet.Models.ContainerInspectResponse inspected, CancellationToken cancellationToken)
    {
        _attachedMemoryLimit = inspected.HostConfig?.Memory is > 0 and var memory ? memory : null;
        if (await ReadOomKillsAsync(inspected.ID, cancellationToken).ConfigureAwait(false) is { } kills)
        {
            Volatile.Write(ref _oomKillsSeen, kills);
        }
    }

    private async Task<long?> ReadOomKillsAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var counters = await Engine.ExecAsync(id, ["cat", .. s_oomCounterFiles], user: null, cancellationToken).ConfigureAwait(false);
            return ParseOomKills(counters.StandardOutput);
        }
        catch (Exception ex) when (ex is DockerApiException or DockerUnavailableException or HttpRequestException or IOException)
        {
            return null;
        }
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
