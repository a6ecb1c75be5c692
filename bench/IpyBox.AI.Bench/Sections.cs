using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using IpyBox.AI;

/// <summary>The measurements, one method per target of the speed issue.</summary>
internal static class Sections
{
    private const string RoundTripSection = "Round trip";
    private const string StreamingSection = "Streaming";

    /// <summary>
    /// Round trip of <c>x = 1</c> and the delay of a plain <c>print</c>, against jupyter_client inside the container; with a
    /// baseline image, its kernel is measured alternately with this one's, so both see the same load.
    /// </summary>
    public static async Task<List<Figure>> RoundTripAndStreamingAsync(Counts n, string? baseline)
    {
        await using var current = await KernelUnderTest.StartAsync(null);
        await using var old = baseline is null ? null : await KernelUnderTest.StartAsync(baseline);
        for (var i = 0; i < n.RoundTrips; i++)
        {
            await current.RoundTripAsync();
            if (old is not null)
            {
                await old.RoundTripAsync();
            }
        }

        for (var i = 0; i < n.Prints; i++)
        {
            await current.FirstPrintAsync();
            if (old is not null)
            {
                await old.FirstPrintAsync();
            }
        }

        var cpu = await current.CpuPerExecutionAsync(n.RoundTrips);
        var (floorRoundTrip, floorPrint) = await KernelFloor.MeasureAsync(current.ContainerId, n.RoundTrips, n.Prints);
        Samples roundTrip = new(current.RoundTrips), firstPrint = new(current.FirstPrints);
        var figures = new List<Figure>
        {
            new(RoundTripSection, $"`x = 1` on a warm kernel, median (p95), n={n.RoundTrips}", $"{Samples.Ms(roundTrip.Median)} ({Samples.Ms(roundTrip.P95)})",
                $"{Samples.Ms(floorRoundTrip.Median)} jupyter_client in the container", Ratio(roundTrip.Median, floorRoundTrip.Median)),
        };
        if (old is null)
        {
            figures.Add(new(RoundTripSection, "against the image before the speed work", "not measured: pass --baseline-image", Target: "≤ 0.85×"));
        }
        else
        {
            var oldRoundTrip = new Samples(old.RoundTrips);
            figures.Add(new(RoundTripSection, $"against `{baseline}` (measured alternately), median", Samples.Ms(roundTrip.Median), Samples.Ms(oldRoundTrip.Median),
                Ratio(roundTrip.Median, oldRoundTrip.Median), "≤ 0.85×", roundTrip.Median <= 0.85 * oldRoundTrip.Median));
        }

        figures.Add(new(RoundTripSection, "against the reference's Python client", "not measured: it is not installable here (no PyPI)", Target: "below it"));
        figures.Add(new(RoundTripSection, $"CPU per `x = 1`: the container (kernel and server) / this process, mean of {n.RoundTrips}",
            $"{(cpu.ContainerMs is { } containerMs ? Samples.Ms(containerMs) : "not readable")} / {Samples.Ms(cpu.ProcessMs)}"));
        figures.Add(new(StreamingSection, $"`print` reaches the caller (cell keeps running), median (p95), n={n.Prints}", $"{Samples.Ms(firstPrint.Median)} ({Samples.Ms(firstPrint.P95)})",
            $"{Samples.Ms(floorPrint.Median)} jupyter_client in the container", Ratio(firstPrint.Median, floorPrint.Median), "≤ 30 ms", firstPrint.Median <= 30));
        if (old is not null)
        {
            figures.Add(new(StreamingSection, $"the same on `{baseline}`, median", Samples.Ms(new Samples(old.FirstPrints).Median)));
        }

        return figures;
    }

    /// <summary>RunAsync → first result with no pool, against the same steps done directly, alternating.</summary>
    public static async Task<List<Figure>> ColdStartAsync(Counts n, string? baseline)
    {
        const string section = "Cold start";
        using var direct = new DirectColdStart(RuntimeImage.DefaultTag);
        var library = new List<double>();
        var floor = new List<double>();
        var old = new List<double>();
        for (var i = 0; i < n.ColdStarts; i++)
        {
            library.Add(await LibraryColdStartAsync(null));
            floor.Add(await direct.RunAsync());
            if (baseline is not null)
            {
                old.Add(await LibraryColdStartAsync(baseline));
            }
        }

        var engine = new List<double>();
        for (var i = 0; i < Math.Min(5, n.ColdStarts); i++)
        {
            engine.Add(await DockerCli.TimeAsync("run", "--rm", "--entrypoint", "true", RuntimeImage.DefaultTag));
        }

        Samples ours = new(library), steps = new(floor);
        var figures = new List<Figure>
        {
            new(section, $"`RunAsync` → first result of `x = 1`, median (p95), n={n.ColdStarts}", $"{Samples.Ms(ours.Median)} ({Samples.Ms(ours.P95)})", "", "", "≤ 800 ms", ours.Median <= 800),
            new(section, "against the same steps done directly (engine API, server HTTP and WebSocket), median", Samples.Ms(ours.Median), Samples.Ms(steps.Median),
                Ratio(ours.Median, steps.Median), "≤ 1.05×", ours.Median <= 1.05 * steps.Median),
            new(section, "for scale: `docker run --rm <image> true`, median", Samples.Ms(new Samples(engine).Median)),
        };
        if (baseline is not null)
        {
            figures.Add(new(section, $"`RunAsync` → first result on `{baseline}`, median", Samples.Ms(new Samples(old).Median)));
        }

        return figures;
    }

    /// <summary>Times <c>StartAsync</c>, a client and the first <c>x = 1</c> of a sandbox of <paramref name="image"/> under <paramref name="runtime"/> (null: the defaults).</summary>
    internal static async Task<double> LibraryColdStartAsync(string? image, string? runtime = null)
    {
        var clock = Stopwatch.StartNew();
        await using var container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { Image = image, Runtime = runtime });
        await using var client = await container.ConnectClientAsync();
        await client.ExecuteAsync("x = 1");
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>The first call of new conversations served from a warm pool, one at a time and in a burst.</summary>
    public static async Task<List<Figure>> WarmStartAsync(Counts n)
    {
        const string section = "Warm start";
        var options = new IpyBoxOptions { MaxSessions = Math.Max(n.Burst, 2), SessionIdleTimeout = Timeout.InfiniteTimeSpan };
        var docker = new DockerSandboxProvider(options.Container, options.Client);
        var sequential = new List<double>();
        await using (var pool = new PoolingSandboxProvider(docker, new WarmPoolOptions { MinWarm = 1, MaxTotal = 4 }))
        await using (var manager = new SandboxSessionManager(pool, options))
        {
            for (var i = 0; i < n.PoolCalls; i++)
            {
                await pool.FillAsync();
                sequential.Add(await FirstCallAsync(manager, $"one-{i}", Stopwatch.StartNew()));
                await manager.EndSessionAsync($"one-{i}");
            }
        }

        double[] first, second;
        await using (var pool = new PoolingSandboxProvider(docker, new WarmPoolOptions { MinWarm = n.Burst, MaxTotal = 2 * n.Burst, MaxConcurrentRefills = 2 }))
        await using (var manager = new SandboxSessionManager(pool, options))
        {
            await pool.FillAsync();
            var clock = Stopwatch.StartNew();
            first = await Task.WhenAll(Enumerable.Range(0, n.Burst).Select(i => FirstCallAsync(manager, $"burst-{i}", clock)));
            clock.Restart();
            second = await Task.WhenAll(Enumerable.Range(0, n.Burst).Select(i => FirstCallAsync(manager, $"burst-{i}", clock)));
            await Task.WhenAll(Enumerable.Range(0, n.Burst).Select(i => manager.EndSessionAsync($"burst-{i}")));
        }

        Samples one = new(sequential), burst = new(first), again = new(second);
        return
        [
            new(section, $"first call of a new conversation from the pool, one at a time, p50 / p95, n={n.PoolCalls}", $"{Samples.Ms(one.Median)} / {Samples.Ms(one.P95)}",
                "", "", "≤ 50 / 150 ms", one.Median <= 50 && one.P95 <= 150),
            new(section, $"{n.Burst} new conversations at once from a pool of {n.Burst}, p50 / p95", $"{Samples.Ms(burst.Median)} / {Samples.Ms(burst.P95)}",
                $"{Samples.Ms(again.Median)} / {Samples.Ms(again.P95)} the same {n.Burst} calling again at once", Ratio(burst.Median, again.Median),
                "≤ 50 / 150 ms", burst.Median <= 50 && burst.P95 <= 150),
        ];
    }

    private static async Task<double> FirstCallAsync(SandboxSessionManager manager, string conversation, Stopwatch clock)
    {
        var start = clock.Elapsed;
        var session = await manager.GetOrCreateAsync(conversation);
        await session.ExecuteAsync("x = 1");
        return (clock.Elapsed - start).TotalMilliseconds;
    }

    /// <summary>Upload and download of one large file against <c>docker cp</c> of the same file, alternating; host memory for two sizes.</summary>
    public static async Task<List<Figure>> FilesAsync(Counts n)
    {
        const string section = "Files";
        var work = Directory.CreateTempSubdirectory("ipybox-bench-");
        try
        {
            await using var container = await ExecutionContainer.StartAsync();
            var files = new ResourceClient(container);
            using var self = Process.GetCurrentProcess();

            // A small file first: the peak working set after it is what the larger file is compared with.
            var small = await CreateFileAsync(work.FullName, "small.bin", n.FileMiB / 10);
            await files.UploadFileAsync(small, "bench/small.bin");
            await files.DownloadFileAsync("bench/small.bin", Path.Combine(work.FullName, "small-back.bin"));
            self.Refresh();
            var peakSmall = self.PeakWorkingSet64;

            var source = await CreateFileAsync(work.FullName, "payload.bin", n.FileMiB);
            var size = new FileInfo(source).Length;
            List<double> up = [], down = [], cpUp = [], cpDown = [];
            for (var round = 0; round < n.FileRounds; round++)
            {
                // Each transfer starts with nothing left for the disk to write back from the one before it.
                await Machine.FlushDirtyPagesAsync();
                up.Add(await TimeAsync(() => files.UploadFileAsync(source, "bench/payload.bin")));
                await Machine.FlushDirtyPagesAsync();
                cpUp.Add(await DockerCli.TimeAsync("cp", source, $"{container.ContainerId}:/app/bench/cp.bin"));
                var back = Path.Combine(work.FullName, $"back-{round}.bin");
                await Machine.FlushDirtyPagesAsync();
                down.Add(await TimeAsync(() => files.DownloadFileAsync("bench/payload.bin", back)));
                var cpBack = Path.Combine(work.FullName, $"cp-back-{round}.bin");
                await Machine.FlushDirtyPagesAsync();
                cpDown.Add(await DockerCli.TimeAsync("cp", $"{container.ContainerId}:/app/bench/payload.bin", cpBack));
                if (!SameContent(source, back))
                {
                    throw new InvalidOperationException("The downloaded file differs from the uploaded one.");
                }

                File.Delete(back);
                File.Delete(cpBack);
            }

            self.Refresh();
            var peakLarge = self.PeakWorkingSet64;
            double Rate(List<double> ms) => size / 1e6 / (new Samples(ms).Median / 1000);
            double upload = Rate(up), download = Rate(down), cpUpload = Rate(cpUp), cpDownload = Rate(cpDown);
            var what = $"{n.FileMiB} MiB file, median of {n.FileRounds}";
            return
            [
                new(section, $"upload, {what}", $"{upload:0} MB/s", $"{cpUpload:0} MB/s `docker cp`", Ratio(upload, cpUpload), "≥ 0.8×", upload >= 0.8 * cpUpload),
                new(section, $"download, {what}", $"{download:0} MB/s", $"{cpDownload:0} MB/s `docker cp`", Ratio(download, cpDownload), "≥ 0.8×", download >= 0.8 * cpDownload),
                new(section, $"peak working set of this process after a {n.FileMiB} MiB file", $"{peakLarge / 1048576.0:0} MiB", $"{peakSmall / 1048576.0:0} MiB after a {n.FileMiB / 10} MiB file",
                    Ratio(peakLarge, peakSmall), "flat in the file size", peakLarge - peakSmall < 32L << 20),
            ];
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<string> CreateFileAsync(string directory, string name, int mebibytes)
    {
        var path = Path.Combine(directory, name);
        var buffer = new byte[1 << 20];
        await using var file = File.Create(path);
        for (var i = 0; i < mebibytes; i++)
        {
            RandomNumberGenerator.Fill(buffer);
            await file.WriteAsync(buffer);
        }

        return path;
    }

    private static bool SameContent(string a, string b)
    {
        using var first = File.OpenRead(a);
        using var second = File.OpenRead(b);
        return SHA256.HashData(first).AsSpan().SequenceEqual(SHA256.HashData(second));
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Memory of idle sandboxes (each has run <c>x = 1</c>) as the engine reports it, and how many fit on 24 GiB.</summary>
    public static async Task<List<Figure>> IdleMemoryAsync(Counts n, string? baseline)
    {
        const string section = "Idle memory";
        var (perSandbox, host) = await MeasureIdleAsync(null, n.IdleSandboxes);
        const double hostGiB = 24, reservedGiB = 2;
        var fit = (int)((hostGiB - reservedGiB) * 1024 / (perSandbox + host.ResidentMiB));
        var figures = new List<Figure>
        {
            new(section, $"one idle sandbox (container, as `docker stats` counts it), median of {n.IdleSandboxes}", $"{perSandbox:0.0} MiB", "", "", "≤ 80 MiB", perSandbox <= 80),
            new(section, $"memory this process keeps per idle sandbox: resident (managed heap), mean of {n.IdleSandboxes}", $"{host.ResidentMiB:0.00} MiB ({host.ManagedMiB:0.00} MiB)"),
            new(section, $"idle sandboxes that fit on a {hostGiB:0} GiB host ({reservedGiB:0} GiB left to the system)", $"{fit}"),
        };
        if (baseline is not null)
        {
            var (old, _) = await MeasureIdleAsync(baseline, n.IdleSandboxes);
            figures.Add(new(section, $"one idle sandbox of `{baseline}`, median", $"{old:0.0} MiB"));
        }

        return figures;
    }

    private static async Task<(double ContainerMiB, HostMemory Host)> MeasureIdleAsync(string? image, int count)
    {
        // One sandbox first, so that what the process pays once (code, caches, pools) is not counted per sandbox.
        await using (var container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { Image = image }))
        await using (var client = await container.ConnectClientAsync())
        {
            await client.ExecuteAsync("x = 1");
        }

        var before = HostMemory.Measure();
        var sandboxes = new List<(ExecutionContainer Container, ExecutionClient Client)>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { Image = image });
                var client = await container.ConnectClientAsync();
                sandboxes.Add((container, client));
                await client.ExecuteAsync("x = 1");
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
            var host = (HostMemory.Measure() - before) / count;
            var stats = await DockerCli.RunAsync(null, ["stats", "--no-stream", "--format", "{{.MemUsage}}", .. sandboxes.Select(s => s.Container.ContainerId!)]);
            var usage = stats.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => ParseMiB(line.Split('/')[0].Trim()));
            return (new Samples(usage).Median, host);
        }
        finally
        {
            foreach (var (container, client) in sandboxes)
            {
                await client.DisposeAsync();
                await container.DisposeAsync();
            }
        }
    }

    /// <summary>Reads a figure of <c>docker stats</c> (<c>12.3MiB</c>) in MiB.</summary>
    internal static double ParseMiB(string value)
    {
        var units = new (string Suffix, double MiB)[] { ("GiB", 1024), ("MiB", 1), ("KiB", 1 / 1024.0), ("B", 1 / 1048576.0) };
        foreach (var (suffix, mib) in units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal))
            {
                return double.Parse(value[..^suffix.Length], CultureInfo.InvariantCulture) * mib;
            }
        }

        throw new FormatException($"Unexpected memory figure '{value}'.");
    }

    internal static string Ratio(double value, double floor) => floor > 0 ? $"{value / floor:0.00}×" : string.Empty;
}
