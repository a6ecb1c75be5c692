namespace IpyBox.AI.IntegrationTests;

/// <summary>The shared sandbox behaviours on kernels of a Jupyter server reached only by address and token.</summary>
public sealed class JupyterServerSandboxBehaviorTests(JupyterServerFixture fixture) : SandboxBehaviorTests<JupyterServerFixture>(fixture)
{
    [Fact]
    public async Task The_id_is_the_kernel_and_dispose_deletes_only_the_kernel()
    {
        var sandbox = await Fixture.Provider.CreateAsync();
        Assert.Equal(sandbox.GetService<ExecutionClient>()?.KernelId, sandbox.Id);
        Assert.Null(sandbox.GetService<ExecutionContainer>());
        Assert.Contains(sandbox.Id, await Fixture.ListKernelIdsAsync());
        var name = $"outlives-{Guid.NewGuid():N}.txt";
        await sandbox.ExecuteAsync($"open('{name}', 'w').write('still here')");

        await sandbox.DisposeAsync();
        await sandbox.DisposeAsync();

        Assert.DoesNotContain(sandbox.Id, await Fixture.ListKernelIdsAsync());
        Assert.Contains(await Fixture.Sandbox.Files.ListAsync(), e => e.Name == name && e.Size == 10);
    }

    [Fact]
    public async Task Sandboxes_on_one_server_share_its_files()
    {
        await using var other = await Fixture.Provider.CreateAsync();
        var name = $"shared-{Guid.NewGuid():N}.txt";
        await Fixture.Sandbox.ExecuteAsync($"open('{name}', 'w').write('written by the first')");
        Assert.Equal("written by the first", (await other.ExecuteAsync($"print(open('{name}').read())")).Text);
    }
}
