using System.Globalization;

/// <summary>The CPU time a container has used, read from its cgroup on the engine's host (cgroup v1 or v2).</summary>
internal static class ContainerCpu
{
    /// <summary>Returns the container's CPU time so far, or <see langword="null"/> when its cgroup is not readable here.</summary>
    public static TimeSpan? Read(string containerId)
    {
        var v1 = $"/sys/fs/cgroup/cpuacct/docker/{containerId}/cpuacct.usage";
        if (File.Exists(v1))
        {
            return TimeSpan.FromTicks(long.Parse(File.ReadAllText(v1).Trim(), CultureInfo.InvariantCulture) / 100);
        }

        var v2 = $"/sys/fs/cgroup/system.slice/docker-{containerId}.scope/cpu.stat";
        if (File.Exists(v2))
        {
            var usage = File.ReadLines(v2).First(l => l.StartsWith("usage_usec ", StringComparison.Ordinal));
            return TimeSpan.FromMicroseconds(long.Parse(usage["usage_usec ".Length..], CultureInfo.InvariantCulture));
        }

        return null;
    }
}
