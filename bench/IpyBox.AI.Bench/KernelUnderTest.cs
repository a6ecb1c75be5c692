using System.Diagnostics;
using IpyBox.AI;

/// <summary>A running sandbox of one image whose round trips and print delays are collected.</summary>
internal sealed class KernelUnderTest : IAsyncDisposable
{
    private const string PrintCell = "print('tick')\nimport time\ntime.sleep(0.3)";

    private readonly ExecutionContainer _container;
    private readonly ExecutionClient _client;

    private KernelUnderTest(ExecutionContainer container, ExecutionClient client)
    {
        _container = container;
        _client = client;
    }

    public string ContainerId => _container.ContainerId!;

    public List<double> RoundTrips { get; } = [];

    public List<double> FirstPrints { get; } = [];

    /// <summary>
    /// Starts a sandbox of <paramref name="image"/> (the runtime image when null) under <paramref name="runtime"/> (the
    /// engine's default when null) and runs 20 cells in it.
    /// </summary>
    public static async Task<KernelUnderTest> StartAsync(string? image, string? runtime = null)
    {
        var container = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { Image = image, Runtime = runtime });
        var client = await container.ConnectClientAsync();
        for (var i = 0; i < 20; i++)
        {
            await client.ExecuteAsync("x = 1");
        }

        return new KernelUnderTest(container, client);
    }

    public async Task RoundTripAsync()
    {
        var clock = Stopwatch.StartNew();
        await _client.ExecuteAsync("x = 1");
        RoundTrips.Add(clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Runs <c>x = 1</c> <paramref name="count"/> times in a row and returns the CPU each took on average in the container
    /// (kernel and server) and in this process, or <see langword="null"/> for the container when its cgroup is not readable.
    /// </summary>
    public async Task<(double? ContainerMs, double ProcessMs)> CpuPerExecutionAsync(int count)
    {
        using var self = Process.GetCurrentProcess();
        var containerBefore = ContainerCpu.Read(ContainerId);
        var processBefore = self.TotalProcessorTime;
        for (var i = 0; i < count; i++)
        {
            await _client.ExecuteAsync("x = 1");
        }

        self.Refresh();
        var processMs = (self.TotalProcessorTime - processBefore).TotalMilliseconds / count;
        var containerMs = ContainerCpu.Read(ContainerId) - containerBefore is { } used ? used.TotalMilliseconds / count : (double?)null;
        return (containerMs, processMs);
    }

    /// <summary>Times a cell that prints and keeps running, from submitting it to the first chunk of its stream.</summary>
    public async Task FirstPrintAsync()
    {
        var clock = Stopwatch.StartNew();
        var execution = await _client.SubmitAsync(PrintCell);
        double? first = null;
        await foreach (var chunk in execution.StreamAsync())
        {
            first ??= clock.Elapsed.TotalMilliseconds;
        }

        FirstPrints.Add(first ?? double.NaN);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _container.DisposeAsync();
    }
}
