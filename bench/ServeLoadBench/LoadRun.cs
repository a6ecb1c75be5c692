using System.Diagnostics;

/// <summary>
/// One path's work at one concurrency: <c>clients</c> clients at once, each creating a durable sandbox, running the cells in
/// order, and deleting it. The latencies of each step are kept apart; a failed step counts as an error and ends that client.
/// </summary>
internal sealed class LoadRun(int clients, IReadOnlyList<string> cells)
{
    public Latencies Create { get; } = new();

    public Latencies Cell { get; } = new();

    public Latencies Delete { get; } = new();

    public TimeSpan Wall { get; private set; }

    /// <summary>Runs the clients; each gets its own <see cref="IClientPath"/> from <paramref name="connect"/>.</summary>
    public async Task RunAsync(Func<int, Task<IClientPath>> connect)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(() => OneClientAsync(connect, i))));
        Wall = Stopwatch.GetElapsedTime(started);
    }

    private async Task OneClientAsync(Func<int, Task<IClientPath>> connect, int index)
    {
        await using var path = await connect(index);
        string id;
        var start = Stopwatch.GetTimestamp();
        try
        {
            id = await path.CreateAsync();
            Create.Add(Stopwatch.GetElapsedTime(start));
        }
        catch (Exception ex)
        {
            Create.Fail();
            Console.Error.WriteLine($"client {index}: create failed: {ex.Message.Split('\n')[0]}");
            return;
        }

        foreach (var code in cells)
        {
            start = Stopwatch.GetTimestamp();
            try
            {
                await path.ExecuteAsync(id, code);
                Cell.Add(Stopwatch.GetElapsedTime(start));
            }
            catch (Exception ex)
            {
                Cell.Fail();
                Console.Error.WriteLine($"client {index}: cell failed: {ex.Message.Split('\n')[0]}");
            }
        }

        start = Stopwatch.GetTimestamp();
        try
        {
            await path.DeleteAsync(id);
            Delete.Add(Stopwatch.GetElapsedTime(start));
        }
        catch (Exception ex)
        {
            Delete.Fail();
            Console.Error.WriteLine($"client {index}: delete failed: {ex.Message.Split('\n')[0]}");
        }
    }
}

/// <summary>How one client reaches sandboxes: through the library, or through the service.</summary>
internal interface IClientPath : IAsyncDisposable
{
    Task<string> CreateAsync();

    /// <exception cref="InvalidOperationException">The cell failed.</exception>
    Task ExecuteAsync(string id, string code);

    Task DeleteAsync(string id);
}
