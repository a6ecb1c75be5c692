using System.Diagnostics;
using IpyBox.AI.TestUtilities;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.SoakBench;

/// <summary>
/// The run: a warm-up conversation, the start snapshot, the workers (one conversation at a time each) against engine faults
/// until the duration is up, then everything disposed, a settle, and the end snapshot.
/// </summary>
internal sealed class SoakRun(SoakSettings settings) : IDisposable
{
    /// <summary>The label key on every container (and so every <c>/app</c> volume) of a run, whose value is the run's id.</summary>
    public const string RunLabel = "ai.ipybox.soak-run";

    private static readonly TimeSpan s_operationCap = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan s_settleLimit = TimeSpan.FromSeconds(90);

    private readonly string _runId = Guid.NewGuid().ToString("N")[..12];
    private readonly OperationTally _tally = new();
    private readonly LibraryLog _log = new();

    public async Task<SoakResult> RunAsync()
    {
        var load = File.ReadAllText("/proc/loadavg").Trim();
        var begun = DateTimeOffset.UtcNow;
        using var engine = DockerEngine.CreateClient();
        await using var proxy = TcpProxy.StartForEngine();
        var work = Directory.CreateTempSubdirectory("ipybox-soak-");
        try
        {
            var options = Options(proxy.Endpoint);
            await WarmUpAsync(options, work.FullName);
            var start = await ResourceSnapshot.TakeAsync(engine, $"{RunLabel}={_runId}");

            var faults = new EngineFaults(proxy, settings.Seed);
            var clock = Stopwatch.StartNew();
            await using (var sessions = new SandboxSessionManager(options, _log))
            {
                var tools = new SandboxTools(sessions);
                using var stopFaults = new CancellationTokenSource();
                var injecting = faults.RunAsync(stopFaults.Token);
                await Task.WhenAll(Enumerable.Range(0, settings.Sandboxes).Select(worker => WorkAsync(worker, sessions, tools, work.FullName, clock)));
                await stopFaults.CancelAsync();
                await injecting;
            }

            var ran = clock.Elapsed;

            var (end, settled) = await SettleAsync(engine, start);

            return new SoakResult(settings, begun, ran, settled, load, File.ReadAllText("/proc/loadavg").Trim(), start, end, _tally, faults, _log);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    public void Dispose() => _log.Dispose();

    private IpyBoxOptions Options(Uri engineEndpoint)
    {
        // Smaller limits than the defaults, so memory and fork bombs end sooner and several fit a small machine.
        var container = new ExecutionContainerOptions { DockerEndpoint = engineEndpoint, MemoryLimitBytes = 512L << 20, PidsLimit = 128 };
        container.Labels[RunLabel] = _runId;
        var options = new IpyBoxOptions
        {
            Container = container,
            MaxSessions = settings.Sandboxes,
            ToolBridge = new ToolBridgeOptions { ApprovalPolicy = HostToolApprovalPolicy.ApproveAll },
        };
        options.HostToolSets.Add(new HostToolSet(SoakOperations.ToolSetName, [AIFunctionFactory.Create((int x) => x, "echo")]));
        return options;
    }

    /// <summary>One conversation through every path the normal operations take, so what a process sets up once is in the start snapshot.</summary>
    private async Task WarmUpAsync(IpyBoxOptions options, string work)
    {
        await using var sessions = new SandboxSessionManager(options, _log);
        var tools = new SandboxTools(sessions);
        var step = new SoakStep(sessions, tools, $"soak-{_runId}-warm-up", new Random(settings.Seed), work, CancellationToken.None);
        string[] paths = ["normal cell", "AI tool call", "host tool calls", "file upload and download", "end conversation"];
        foreach (var operation in SoakOperations.All.Where(o => paths.Contains(o.Name)))
        {
            await operation.RunAsync(step);
        }
    }

    private async Task WorkAsync(int worker, SandboxSessionManager sessions, SandboxTools tools, string work, Stopwatch clock)
    {
        var random = new Random(unchecked((settings.Seed * 7919) + worker));
        var totalWeight = SoakOperations.All.Sum(o => o.Weight);
        var generation = 0;
        while (clock.Elapsed < settings.Duration)
        {
            var key = $"soak-{_runId}-{worker}-{generation}";
            var operation = sessions.ConversationKeys.Contains(key) ? Pick(random.Next(totalWeight)) : SoakOperations.Start;
            using var cap = new CancellationTokenSource(s_operationCap);
            Exception? error = null;
            try
            {
                await operation.RunAsync(new SoakStep(sessions, tools, key, random, work, cap.Token));
            }
#pragma warning disable CA1031 // Every exception is the run's data: counted by type, and unexpected ones fail the run.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ex;
            }

            _tally.Record(operation, error);
            if (error is not null && operation == SoakOperations.Start)
            {
                // A caller whose sandbox could not start waits a moment before it tries again.
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            if (operation.Name == "end conversation")
            {
                generation++;
            }
        }
    }

    private static SoakOperation Pick(int ticket)
    {
        foreach (var operation in SoakOperations.All)
        {
            if (ticket < operation.Weight)
            {
                return operation;
            }

            ticket -= operation.Weight;
        }

        throw new InvalidOperationException("The ticket is beyond the total weight.");
    }

    /// <summary>Takes snapshots until every count is back at its start value, or the settle limit is reached.</summary>
    private async Task<(ResourceSnapshot End, TimeSpan Settled)> SettleAsync(Docker.DotNet.IDockerClient engine, ResourceSnapshot start)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var now = await ResourceSnapshot.TakeAsync(engine, $"{RunLabel}={_runId}");
            if (now.IsBackTo(start) || clock.Elapsed > s_settleLimit)
            {
                return (now, clock.Elapsed);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }
}
