namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// A provider under test and one sandbox from it, shared by the tests of a class that need no fresh kernel. The concrete
/// fixtures say how the backend is reached; the behavioural tests see only <see cref="ISandboxProvider"/> and <see cref="ISandbox"/>.
/// </summary>
public abstract class SandboxProviderFixture : IAsyncLifetime
{
    private ISandboxProvider? _provider;
    private ISandbox? _sandbox;

    public ISandboxProvider Provider => _provider ?? throw new InvalidOperationException("The fixture has not started.");

    public ISandbox Sandbox => _sandbox ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        _provider = await CreateProviderAsync();
        _sandbox = await _provider.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        await DisposeBackendAsync();
    }

    protected abstract Task<ISandboxProvider> CreateProviderAsync();

    protected virtual Task DisposeBackendAsync() => Task.CompletedTask;
}

/// <summary>Docker sandboxes: a container per sandbox.</summary>
public sealed class DockerProviderFixture : SandboxProviderFixture
{
    protected override Task<ISandboxProvider> CreateProviderAsync() => Task.FromResult<ISandboxProvider>(new DockerSandboxProvider());
}
