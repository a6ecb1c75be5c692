namespace IpyBox.AI.IntegrationTests;

/// <summary>One running sandbox container shared by the tests of a collection.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private ExecutionContainer? _container;

    public ExecutionContainer Container => _container ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        _container = await ExecutionContainer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    /// <summary>Creates and connects a client with its own kernel.</summary>
    public Task<ExecutionClient> ConnectAsync(ExecutionClientOptions? options = null) => Container.ConnectClientAsync(options);
}

[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}
