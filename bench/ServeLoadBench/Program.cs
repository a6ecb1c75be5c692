// Load on `ipybox serve` next to the same work through the library, in one run, against the local Docker engine.
//   dotnet run -c Release --project bench/ServeLoadBench -- [--clients 5,20,50] [--cells 3] [--memory 256m]
// For each client count N, first through the library (DockerSandboxProvider, durable requests with a lease and metadata,
// as the service makes them), then through the service (one `ipybox serve` process, N MCP C# SDK clients over streamable
// HTTP): N clients at once, each creating a sandbox, running the cells one after another, and deleting the sandbox.
// Prints a table of latency percentiles (nearest rank, ms) and errors per step, and the service's p50 over the library's.
// Every sandbox carries the metadata bench.run=<run id>; whatever a failed run leaves is deleted at the end.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using IpyBox.AI;

var clientCounts = Option("--clients", "5,20,50").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
var cellCount = int.Parse(Option("--cells", "3"), CultureInfo.InvariantCulture);
var memory = Option("--memory", "256m");
var runId = Guid.NewGuid().ToString("N")[..12];
string[] cells = [.. Enumerable.Range(0, cellCount).Select(i => i == 0 ? "import math\nx = [math.sqrt(i) for i in range(10_000)]\nprint(len(x))" : $"x = x[1:]\nprint(len(x) + {i})")];

var container = new ExecutionContainerOptions { DisableNetwork = true, MemoryLimitBytes = ParseBytes(memory) };
var provider = new DockerSandboxProvider(container);
var rows = new List<string>();
var ratios = new List<string>();
try
{
    foreach (var n in clientCounts)
    {
        Console.Error.WriteLine($"[{n} clients] library");
        var library = new LoadRun(n, cells);
        await library.RunAsync(_ => Task.FromResult<IClientPath>(new LibraryPath(provider, runId)));

        Console.Error.WriteLine($"[{n} clients] service");
        var service = new LoadRun(n, cells);
        await using (var server = await ServeProcess.StartAsync(n, memory, runId))
        {
            await service.RunAsync(_ => ServicePath.ConnectAsync(server.Endpoint, runId));
        }

        foreach (var (path, run) in new[] { ("library", library), ("service", service) })
        {
            rows.Add(run.Create.Row(path, n, "create"));
            rows.Add(run.Cell.Row(path, n, "cell"));
            rows.Add(run.Delete.Row(path, n, "delete"));
        }

        ratios.Add(string.Create(
            CultureInfo.InvariantCulture,
            $"N={n}: service/library p50 create {service.Create.Percentile(50) / library.Create.Percentile(50):0.00}, cell {service.Cell.Percentile(50) / library.Cell.Percentile(50):0.00}; wall {library.Wall.TotalSeconds:0.0} s vs {service.Wall.TotalSeconds:0.0} s"));
    }
}
finally
{
    var query = new SandboxQuery();
    query.Metadata[BenchRun.MetadataKey] = runId;
    foreach (var left in await provider.Directory.ListAsync(query))
    {
        await provider.Directory.DeleteAsync(left.Id);
    }
}

Console.WriteLine($"cells per client: {cellCount}, memory per sandbox: {memory}, network none, {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine("| path | clients | step | ok | p50 ms | p95 ms | p99 ms | errors |");
Console.WriteLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
rows.ForEach(Console.WriteLine);
Console.WriteLine();
ratios.ForEach(Console.WriteLine);

string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

static long ParseBytes(string text)
{
    var unit = char.ToLowerInvariant(text[^1]) switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, _ => 1L };
    return long.Parse(char.IsDigit(text[^1]) ? text : text[..^1], CultureInfo.InvariantCulture) * unit;
}

/// <summary>The metadata key every sandbox of a run carries.</summary>
internal static class BenchRun
{
    public const string MetadataKey = "bench.run";
}

/// <summary>One <c>ipybox serve</c> process on 127.0.0.1 (no tokens: loopback, one principal), quotas raised to the client count.</summary>
internal sealed class ServeProcess(Process process, Uri endpoint) : IAsyncDisposable
{
    public Uri Endpoint => endpoint;

    public static async Task<ServeProcess> StartAsync(int clients, string memory, string runId)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "ipybox.dll"), "serve", "--urls", $"http://127.0.0.1:{port}",
            "--max-sandboxes", (clients * 2).ToString(CultureInfo.InvariantCulture), "--max-executions", clients.ToString(CultureInfo.InvariantCulture),
            "--memory", memory, "--network", "none", "--log-level", "Warning", "--label", $"ai.ipybox.bench={runId}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["IPYBOX_SERVE_TOKENS"] = null;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start ipybox serve.");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"  serve: {e.Data}"); } };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var endpoint = new Uri($"http://127.0.0.1:{port}/mcp");
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                if ((await http.GetAsync(new Uri(endpoint, "/healthz"))).IsSuccessStatusCode)
                {
                    return new ServeProcess(process, endpoint);
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("ipybox serve did not answer /healthz in 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
