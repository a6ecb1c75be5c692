namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// The engine reached over <c>tcp://</c>, as for a remote Docker host. The local engine also listens on
/// tcp://127.0.0.1:2375 (eng/prepare-docker.sh --tcp). These tests change the process-wide DOCKER_HOST, so their
/// collection runs alone, after the parallel ones.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class RemoteDockerHostTests : IAsyncLifetime
{
    private static readonly Uri s_tcpEndpoint = new("tcp://127.0.0.1:2375");

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        await DockerEngine.EnsureAvailableAsync(s_tcpEndpoint);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_basic_example_runs_through_a_tcp_endpoint_from_the_options()
    {
        var options = new ExecutionContainerOptions { DockerEndpoint = s_tcpEndpoint };
        await using var container = await ExecutionContainer.StartAsync(options);
        Assert.Equal(s_tcpEndpoint, container.DockerEndpoint);
        Assert.Equal("127.0.0.1", container.Host);

        await using var client = container.CreateClient();
        await client.ConnectAsync();
        Assert.Equal("Hello, world!", (await client.ExecuteAsync("print('Hello, world!')")).Text);
        Assert.True(await DockerEngine.ContainerExistsAsync(container.ContainerId!));
    }

    [Fact]
    public async Task The_basic_example_runs_through_DOCKER_HOST()
    {
        using var scope = new EnvironmentVariableScope("DOCKER_HOST", s_tcpEndpoint.ToString());
        await using var container = await ExecutionContainer.StartAsync();
        Assert.Equal(s_tcpEndpoint, container.DockerEndpoint);

        await using var client = container.CreateClient();
        await client.ConnectAsync();
        Assert.Equal("Hello, world!", (await client.ExecuteAsync("print('Hello, world!')")).Text);

        var files = new ResourceClient(container);
        using var temp = new TempDirectory("ipybox-remote-");
        var local = temp.Combine("hello.txt");
        await File.WriteAllTextAsync(local, "over tcp");
        await files.UploadFileAsync(local, "remote/hello.txt");
        Assert.Equal("over tcp", (await client.ExecuteAsync("print(open('remote/hello.txt').read())")).Text);
    }

    [Fact]
    public async Task DOCKER_HOST_is_honoured_when_it_points_nowhere()
    {
        using var scope = new EnvironmentVariableScope("DOCKER_HOST", "tcp://127.0.0.1:1");
        await using var container = new ExecutionContainer();
        var error = await Assert.ThrowsAsync<DockerUnavailableException>(() => container.RunAsync());
        Assert.Contains("tcp://127.0.0.1:1", error.Message);
        Assert.Contains("DOCKER_HOST", error.Message);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}

/// <summary>Sets an environment variable and restores the previous value when disposed.</summary>
internal sealed class EnvironmentVariableScope : IDisposable
{
    private readonly string _name;
    private readonly string? _previous;

    public EnvironmentVariableScope(string name, string? value)
    {
        _name = name;
        _previous = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose() => Environment.SetEnvironmentVariable(_name, _previous);
}
