using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI.SoakBench;

/// <summary>
/// What the run holds at one moment: this process's memory, open handles and threads, and on the engine the containers and
/// volumes of this run (by its label), the library's networks, and the engine's totals.
/// </summary>
internal sealed record ResourceSnapshot(
    long WorkingSetBytes,
    long GcHeapBytes,
    int OpenHandles,
    int Threads,
    int RunContainers,
    int RunVolumes,
    int LibraryNetworks,
    int EngineContainers,
    int EngineVolumes,
    int EngineNetworks)
{
    /// <summary>Gets the counts that must come back to their start value (or below it: nothing left behind), by name.</summary>
    public IReadOnlyList<(string Name, long Value)> Counts =>
    [
        ("open handles (`/proc/self/fd` but loaded assemblies)", OpenHandles),
        ("containers of this run", RunContainers),
        ("volumes of this run", RunVolumes),
        ("the library's networks (`ai.ipybox.managed`)", LibraryNetworks),
    ];

    /// <summary>Tells whether no count of this snapshot is above its value in <paramref name="start"/>.</summary>
    public bool IsBackTo(ResourceSnapshot start) => Counts.Zip(start.Counts).All(pair => pair.First.Value <= pair.Second.Value);

    public static async Task<ResourceSnapshot> TakeAsync(IDockerClient engine, string runLabel)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        var run = Filter(runLabel);
        var managed = Filter($"{ContainerLabels.Managed}=true");
        return new ResourceSnapshot(
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: true),
            OpenHandlesButAssemblies(),
            process.Threads.Count,
            (await engine.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = run })).Count,
            (await engine.Volumes.ListAsync(new VolumesListParameters { Filters = run })).Volumes?.Count ?? 0,
            (await engine.Networks.ListNetworksAsync(new NetworksListParameters { Filters = managed })).Count,
            (await engine.Containers.ListContainersAsync(new ContainersListParameters { All = true })).Count,
            (await engine.Volumes.ListAsync(new VolumesListParameters())).Volumes?.Count ?? 0,
            (await engine.Networks.ListNetworksAsync(new NetworksListParameters())).Count);
    }

    /// <summary>
    /// Counts the process's open file descriptors (sockets, pipes, files, event and timer handles) except the assembly files
    /// the runtime maps once, on first use, and keeps for the life of the process.
    /// </summary>
    private static int OpenHandlesButAssemblies()
    {
        var count = 0;
        foreach (var descriptor in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(descriptor).LinkTarget;
            }
            catch (IOException)
            {
                continue;
            }

            if (target is null || !(target.EndsWith(".dll", StringComparison.Ordinal) || target.EndsWith(".pdb", StringComparison.Ordinal) || target.EndsWith(".so", StringComparison.Ordinal)))
            {
                count++;
            }
        }

        return count;
    }

    private static Dictionary<string, IDictionary<string, bool>> Filter(string label) =>
        new(StringComparer.Ordinal) { ["label"] = new Dictionary<string, bool>(StringComparer.Ordinal) { [label] = true } };
}
