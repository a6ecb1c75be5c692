using IpyBox.AI;

/// <summary>
/// What another OCI runtime (gVisor's <c>runsc</c>, say) costs next to the engine's default: cold start, round trip and
/// container memory, each runtime measured alternately with the default so that both see the same load.
/// </summary>
internal static class RuntimeComparison
{
    /// <summary>The cell whose memory is measured after it ran: what a small analysis keeps alive.</summary>
    private const string WorkCell = "import pandas as pd\ndf = pd.DataFrame({'x': range(100_000)})\ndf['y'] = df.x * 2";

    public static async Task<List<Figure>> MeasureAsync(Counts n, string runtime)
    {
        var section = $"Runtime `{runtime}`";
        var floor = "the engine's default runtime";
        var figures = new List<Figure>();

        // Cold start, alternating.
        List<double> other = [], standard = [];
        for (var i = 0; i < n.ColdStarts; i++)
        {
            other.Add(await Sections.LibraryColdStartAsync(null, runtime));
            standard.Add(await Sections.LibraryColdStartAsync(null));
        }

        Samples coldOther = new(other), coldStandard = new(standard);
        figures.Add(new(section, $"cold start: `RunAsync` → first result of `x = 1`, median (p95), n={n.ColdStarts}",
            $"{Samples.Ms(coldOther.Median)} ({Samples.Ms(coldOther.P95)})", $"{Samples.Ms(coldStandard.Median)} ({Samples.Ms(coldStandard.P95)}) {floor}",
            Sections.Ratio(coldOther.Median, coldStandard.Median)));

        List<double> runOther = [], runStandard = [];
        for (var i = 0; i < Math.Min(5, n.ColdStarts); i++)
        {
            runOther.Add(await DockerCli.TimeAsync("run", "--rm", "--runtime", runtime, "--entrypoint", "true", RuntimeImage.DefaultTag));
            runStandard.Add(await DockerCli.TimeAsync("run", "--rm", "--entrypoint", "true", RuntimeImage.DefaultTag));
        }

        Samples engineOther = new(runOther), engineStandard = new(runStandard);
        figures.Add(new(section, $"for scale: `docker run --rm --runtime {runtime} <image> true`, median", Samples.Ms(engineOther.Median),
            $"{Samples.Ms(engineStandard.Median)} {floor}", Sections.Ratio(engineOther.Median, engineStandard.Median)));

        // Round trip, alternating, and the kernel's own floor inside the other runtime's container.
        await using (var underOther = await KernelUnderTest.StartAsync(null, runtime))
        await using (var underStandard = await KernelUnderTest.StartAsync(null))
        {
            for (var i = 0; i < n.RoundTrips; i++)
            {
                await underOther.RoundTripAsync();
                await underStandard.RoundTripAsync();
            }

            Samples tripOther = new(underOther.RoundTrips), tripStandard = new(underStandard.RoundTrips);
            figures.Add(new(section, $"round trip of `x = 1` on a warm kernel, median (p95), n={n.RoundTrips}",
                $"{Samples.Ms(tripOther.Median)} ({Samples.Ms(tripOther.P95)})", $"{Samples.Ms(tripStandard.Median)} ({Samples.Ms(tripStandard.P95)}) {floor}",
                Sections.Ratio(tripOther.Median, tripStandard.Median)));
            var (kernelFloor, _) = await KernelFloor.MeasureAsync(underOther.ContainerId, n.RoundTrips, 1);
            figures.Add(new(section, "the same round trip against the kernel alone under it, median", Samples.Ms(tripOther.Median),
                $"{Samples.Ms(kernelFloor.Median)} jupyter_client in the `{runtime}` container", Sections.Ratio(tripOther.Median, kernelFloor.Median)));
        }

        // Memory of the container after start and after a cell, as the engine reports it.
        var (startOther, cellOther) = await MemoryAsync(runtime, n.IdleSandboxes);
        var (startStandard, cellStandard) = await MemoryAsync(null, n.IdleSandboxes);
        figures.Add(new(section, $"container memory once started (`docker stats`), median of {n.IdleSandboxes}", $"{startOther:0.0} MiB",
            $"{startStandard:0.0} MiB {floor}", Sections.Ratio(startOther, startStandard)));
        figures.Add(new(section, "container memory after a cell that builds a 100 000-row pandas frame, median", $"{cellOther:0.0} MiB",
            $"{cellStandard:0.0} MiB {floor}", Sections.Ratio(cellOther, cellStandard)));
        return figures;
    }

    /// <summary>Starts <paramref name="count"/> sandboxes under <paramref name="runtime"/> and reads their memory 5 s after the start and 5 s after <see cref="WorkCell"/>.</summary>
    private static async Task<(double StartedMiB, double AfterCellMiB)> MemoryAsync(string? runtime, int count)
    {
        var sandboxes = new List<(ExecutionContainer Container, ExecutionClient Client)>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { Runtime = runtime });
                sandboxes.Add((container, await container.ConnectClientAsync()));
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
            var started = await StatsAsync(sandboxes.Select(s => s.Container.ContainerId!));
            foreach (var (_, client) in sandboxes)
            {
                await client.ExecuteAsync(WorkCell);
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
            return (started, await StatsAsync(sandboxes.Select(s => s.Container.ContainerId!)));
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

    private static async Task<double> StatsAsync(IEnumerable<string> containers)
    {
        var stats = await DockerCli.RunAsync(null, ["stats", "--no-stream", "--format", "{{.MemUsage}}", .. containers]);
        return new Samples(stats.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => Sections.ParseMiB(line.Split('/')[0].Trim()))).Median;
    }
}
