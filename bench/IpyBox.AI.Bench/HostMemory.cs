using System.Globalization;

/// <summary>
/// What this process holds in memory: its resident anonymous memory (heap, stacks, native buffers; not mapped files such
/// as code, which sandboxes do not add to) and, within it, the managed heap after a full compacting collection.
/// </summary>
internal readonly record struct HostMemory(double ResidentMiB, double ManagedMiB)
{
    public static HostMemory Measure()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var managed = GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0;
        return new HostMemory(ResidentAnonymousKiB() / 1024.0, managed);
    }

    public static HostMemory operator -(HostMemory after, HostMemory before) =>
        new(after.ResidentMiB - before.ResidentMiB, after.ManagedMiB - before.ManagedMiB);

    public static HostMemory operator /(HostMemory total, int count) => new(total.ResidentMiB / count, total.ManagedMiB / count);

    private static long ResidentAnonymousKiB()
    {
        // "RssAnon:   123456 kB" in /proc/self/status (Linux).
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line["RssAnon:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
