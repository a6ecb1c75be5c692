using System.Runtime.InteropServices;

/// <summary>Facts about the machine a run was made on.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"')
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]
            : null;
        var memoryText = memory is null ? "unknown memory" : $"{long.Parse(memory, System.Globalization.CultureInfo.InvariantCulture) / 1048576.0:0.0} GiB";
        string engine;
        try
        {
            engine = "Docker " + DockerCli.RunAsync(null, "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})").GetAwaiter().GetResult().Trim();
        }
        catch (InvalidOperationException)
        {
            engine = "Docker (version unknown)";
        }

        return $"{os ?? RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, {memoryText}, {engine}, .NET {Environment.Version}";
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Runs <c>sync</c>: what earlier writes left in the page cache goes to disk now, not during the next figure.</summary>
    public static async Task FlushDirtyPagesAsync()
    {
        using var sync = System.Diagnostics.Process.Start("sync") ?? throw new InvalidOperationException("sync did not start.");
        await sync.WaitForExitAsync();
    }
}
