using IpyBox.AI.TestUtilities;

namespace IpyBox.AI.SoakBench;

/// <summary>
/// Engine faults through the proxy the sandboxes' provider talks to: every 4 to 12 seconds either the connections under way are
/// cut (requests broken off mid-way) or the engine is unreachable for a moment (the proxy stops listening, then listens again).
/// </summary>
internal sealed class EngineFaults(TcpProxy proxy, int seed)
{
    private readonly Random _random = new(seed);

    public int Cuts { get; private set; }

    public int CutConnections { get; private set; }

    public int Outages { get; private set; }

    /// <summary>Injects faults until <paramref name="cancellationToken"/> is cancelled, and leaves the proxy listening.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(4 + (_random.NextDouble() * 8)), cancellationToken);
                if (_random.NextDouble() < 0.8)
                {
                    Cuts++;
                    CutConnections += proxy.CutConnections();
                }
                else
                {
                    Outages++;
                    await proxy.StopAsync();
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(0.5 + (_random.NextDouble() * 1.5)), cancellationToken);
                    }
                    finally
                    {
                        proxy.Start();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
