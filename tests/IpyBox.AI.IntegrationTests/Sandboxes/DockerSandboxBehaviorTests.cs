namespace IpyBox.AI.IntegrationTests;

/// <summary>The shared sandbox behaviours on Docker containers, plus what only this backend promises.</summary>
public sealed class DockerSandboxBehaviorTests(DockerProviderFixture fixture) : SandboxBehaviorTests<DockerProviderFixture>(fixture)
{
    [Fact]
    public async Task The_id_is_the_container_and_dispose_removes_it()
    {
        var sandbox = await Fixture.Provider.CreateAsync(new SandboxRequest { ConversationKey = "behavior-test" });
        var container = sandbox.GetService<ExecutionContainer>();
        Assert.NotNull(container);
        Assert.Equal(container.ContainerId, sandbox.Id);
        Assert.True(await DockerEngine.ContainerExistsAsync(sandbox.Id));

        await sandbox.DisposeAsync();
        await sandbox.DisposeAsync();

        Assert.False(await DockerEngine.ContainerExistsAsync(sandbox.Id));
    }
}
