namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// Two sandboxes with a tool bridge whose containers have the network disabled (the firewall with an empty allow-list): the tool bridge
/// needs no network at all, so every bridge test runs under that condition. The second sandbox is the neighbour that
/// must not reach the first one's tools.
/// </summary>
public sealed class ToolBridgeFixture : IAsyncLifetime
{
    private ISandbox? _first;
    private ISandbox? _second;

    public ISandbox First => _first ?? throw new InvalidOperationException("The fixture has not started.");

    public ISandbox Second => _second ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        var provider = new DockerSandboxProvider(new ExecutionContainerOptions { DisableNetwork = true });
        var sandboxes = await Task.WhenAll(provider.CreateAsync(), provider.CreateAsync());
        (_first, _second) = (sandboxes[0].WithToolBridge(), sandboxes[1].WithToolBridge());
    }

    public async Task DisposeAsync()
    {
        foreach (var sandbox in new[] { _first, _second })
        {
            if (sandbox is not null)
            {
                await sandbox.DisposeAsync();
            }
        }
    }
}
