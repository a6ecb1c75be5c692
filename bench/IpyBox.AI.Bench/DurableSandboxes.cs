using System.Diagnostics;
using System.Globalization;
using IpyBox.AI;

/// <summary>
/// Durable sandboxes: attaching from another provider (standing for another process) to a running, a paused and a stopped
/// sandbox until its first result, saving and starting from a snapshot, and what a stopped or paused sandbox keeps using —
/// each next to a cold start measured alternately in the same run.
/// </summary>
internal static class DurableSandboxes
{
    private const string Section = "Durable sandboxes";
    private const string BenchLabel = "ai.ipybox.bench";
    private static readonly TimeSpan s_lease = TimeSpan.FromHours(1);

    public static async Task<List<Figure>> MeasureAsync(Counts n)
    {
        var runId = Guid.NewGuid().ToString("N")[..12];
        var options = new ExecutionContainerOptions();
        options.Labels[BenchLabel] = runId;
        var provider = new DockerSandboxProvider(options);
        var snapshot = $"bench-{runId}";
        try
        {
            return await MeasureCoreAsync(provider, snapshot, n.ColdStarts / 2 + 1);
        }
        finally
        {
            await provider.Snapshots.DeleteSnapshotAsync(snapshot);
            foreach (var left in await provider.Directory.ListAsync())
            {
                await provider.Directory.DeleteAsync(left.Id);
            }
        }
    }

    private static async Task<List<Figure>> MeasureCoreAsync(DockerSandboxProvider provider, string snapshot, int rounds)
    {
        // One sandbox that every attach measures; 20 MB of data in /app for the snapshot and the disk figures.
        string id;
        await using (var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = s_lease }))
        {
            id = sandbox.Id;
            await sandbox.ExecuteAsync("import os\nx = 1\nopen('data.bin', 'wb').write(os.urandom(20 << 20))");
        }

        List<double> cold = [], running = [], paused = [], stopped = [], fromSnapshot = [], saves = [];
        for (var i = 0; i < rounds; i++)
        {
            cold.Add(await ColdStartAsync(provider, null));
            running.Add(await AttachAsync(id));

            await provider.Directory.PauseAsync(id);
            paused.Add(await AttachAsync(id));

            await provider.Directory.StopAsync(id);
            stopped.Add(await AttachAsync(id));

            var clock = Stopwatch.StartNew();
            await provider.Snapshots.CreateSnapshotAsync(id, snapshot);
            saves.Add(clock.Elapsed.TotalMilliseconds);
            fromSnapshot.Add(await ColdStartAsync(provider, snapshot));
        }

        var memoryRunning = await MemoryUsageAsync(id);
        await provider.Directory.PauseAsync(id);
        var memoryPaused = await MemoryUsageAsync(id);
        await provider.Directory.StopAsync(id);
        var (writable, volumes) = await DiskUsageAsync(id);

        Samples coldStart = new(cold);
        var floor = $"{Samples.Ms(coldStart.Median)} cold start";
        return
        [
            new(Section, $"cold start of a durable sandbox → first result of `x = 1`, median (p95), n={rounds}", $"{Samples.Ms(coldStart.Median)} ({Samples.Ms(coldStart.P95)})"),
            Row("attach to a running sandbox → first result, median (p95)", running, coldStart, floor),
            Row("attach to a paused sandbox (unpause) → first result, median (p95)", paused, coldStart, floor),
            Row("attach to a stopped sandbox (start, new kernel) → first result, median (p95)", stopped, coldStart, floor),
            Row("save a snapshot of a stopped sandbox with 20 MB in /app, median (p95)", saves, coldStart, floor),
            Row("start from that snapshot → first result, median (p95)", fromSnapshot, coldStart, floor),
            new(Section, "memory charged to an idle sandbox: running / paused", $"{memoryRunning} / {memoryPaused}"),
            new(Section, "disk of a stopped sandbox with 20 MB in /app: writable layer / volumes", $"{writable} / {volumes}"),
        ];
    }

    private static Figure Row(string what, List<double> values, Samples floor, string floorText)
    {
        var samples = new Samples(values);
        return new(Section, what, $"{Samples.Ms(samples.Median)} ({Samples.Ms(samples.P95)})", floorText, Sections.Ratio(samples.Median, floor.Median));
    }

    /// <summary>Create (a durable sandbox, optionally from a snapshot) → first result, then delete (not timed).</summary>
    private static async Task<double> ColdStartAsync(DockerSandboxProvider provider, string? snapshot)
    {
        var clock = Stopwatch.StartNew();
        var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = s_lease, Snapshot = snapshot });
        await sandbox.ExecuteAsync("x = 1");
        var elapsed = clock.Elapsed.TotalMilliseconds;
        var id = sandbox.Id;
        await sandbox.DisposeAsync();
        await provider.Directory.DeleteAsync(id);
        return elapsed;
    }

    /// <summary>A new provider (as another process would make) attaches and runs one cell; the detach is not timed.</summary>
    private static async Task<double> AttachAsync(string id)
    {
        var other = new DockerSandboxProvider();
        var clock = Stopwatch.StartNew();
        await using var sandbox = await other.Directory.AttachAsync(id);
        await sandbox.ExecuteAsync("y = 1");
        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<string> MemoryUsageAsync(string id) =>
        (await DockerCli.RunAsync(null, "stats", "--no-stream", "--format", "{{.MemUsage}}", id)).Trim().Split('/')[0].Trim();

    /// <summary>The container's writable layer as the engine reports it, and the size of its volumes measured with <c>du</c>.</summary>
    private static async Task<(string Writable, string Volumes)> DiskUsageAsync(string id)
    {
        var writable = (await DockerCli.RunAsync(null, "ps", "-a", "-s", "--filter", $"id={id}", "--format", "{{.Size}}")).Trim();
        var names = (await DockerCli.RunAsync(null, "inspect", "--format", "{{range .Mounts}}{{if eq .Type \"volume\"}}{{.Name}} {{end}}{{end}}", id))
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        long kib = 0;
        foreach (var name in names)
        {
            var du = await DockerCli.RunAsync(null, "run", "--rm", "--entrypoint", "du", "-v", $"{name}:/v:ro", RuntimeImage.DefaultTag, "-sk", "/v");
            kib += long.Parse(du.Split('\t')[0], CultureInfo.InvariantCulture);
        }

        return (writable, $"{kib / 1024.0:F1} MiB in {names.Length}");
    }
}
