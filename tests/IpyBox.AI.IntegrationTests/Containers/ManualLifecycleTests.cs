using Docker.DotNet.Models;

namespace IpyBox.AI.IntegrationTests;

/// <summary>Running and killing a container by hand instead of with <c>await using</c>.</summary>
public sealed class ManualLifecycleTests : IAsyncLifetime
{
    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Run_work_then_kill_removes_the_container_and_the_kernel_becomes_unavailable()
    {
        var container = new ExecutionContainer();
        try
        {
            await container.RunAsync();
            var id = container.ContainerId!;
            await using var client = container.CreateClient();
            await client.ConnectAsync();
            Assert.Equal("42", (await client.ExecuteAsync("print(6 * 7)")).Text);

            await container.KillAsync();

            Assert.False(await DockerEngine.ContainerExistsAsync(id));
            Assert.Null(container.ContainerId);
            Assert.Equal(0, container.ExecutorPort);
            await Assert.ThrowsAsync<KernelUnavailableException>(() => client.ExecuteAsync("print(1)"));
        }
        finally
        {
            await container.DisposeAsync();
        }
    }

    [Fact]
    public async Task Kill_before_run_and_kill_twice_are_harmless()
    {
        await using var container = new ExecutionContainer();
        await container.KillAsync();
        await container.RunAsync();
        var id = container.ContainerId!;
        await container.KillAsync();
        await container.KillAsync();
        Assert.False(await DockerEngine.ContainerExistsAsync(id));
    }

    [Fact]
    public async Task Kill_after_the_container_died_removes_it()
    {
        await using var container = new ExecutionContainer();
        await container.RunAsync();
        var id = container.ContainerId!;

        await DockerEngine.KillAsync(id);
        using (var docker = DockerEngine.CreateClient())
        {
            await docker.Containers.WaitContainerAsync(id);
            Assert.False((await docker.Containers.InspectContainerAsync(id)).State!.Running);
        }

        await container.KillAsync();
        Assert.False(await DockerEngine.ContainerExistsAsync(id));
    }

    [Fact]
    public async Task Kill_and_dispose_after_someone_else_removed_the_container_are_harmless()
    {
        var container = new ExecutionContainer();
        await container.RunAsync();
        var id = container.ContainerId!;
        using (var docker = DockerEngine.CreateClient())
        {
            await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
        }

        await container.KillAsync();
        await container.DisposeAsync();
        await container.DisposeAsync();
        Assert.False(await DockerEngine.ContainerExistsAsync(id));
    }

    [Fact]
    public async Task Dispose_after_kill_is_harmless_and_a_disposed_container_cannot_run_again()
    {
        var container = new ExecutionContainer();
        await container.RunAsync();
        await container.KillAsync();
        await container.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => container.RunAsync());
    }

    [Fact]
    public async Task A_killed_container_can_be_run_again_with_a_fresh_sandbox()
    {
        await using var container = new ExecutionContainer();
        await container.RunAsync();
        var first = container.ContainerId!;
        await container.KillAsync();

        await container.RunAsync();
        Assert.NotEqual(first, container.ContainerId);
        await using var client = container.CreateClient();
        await client.ConnectAsync();
        Assert.Equal("fresh", (await client.ExecuteAsync("print('fresh')")).Text);
    }
}
