using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace IpyBox.AI.IntegrationTests.Tools;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task Disposing_the_service_provider_removes_the_sandboxes_its_tools_created()
    {
        await DockerEngine.EnsureAvailableAsync();
        var services = new ServiceCollection();
        services.AddIpyBox(options => options.Client.DefaultTimeout = TimeSpan.FromSeconds(30));
        var provider = services.BuildServiceProvider();
        string containerId;
        try
        {
            var execute = provider.GetRequiredService<IpyBoxPlugin>().AsAIFunctions().Single(f => f.Name == "execute_python");
            using (IpyBoxConversation.Begin("di"))
            {
                var result = (IEnumerable<AIContent>)(await execute.InvokeAsync(new AIFunctionArguments { ["code"] = "print('via DI')" }))!;
                Assert.Equal("via DI", Assert.Single(result.OfType<TextContent>()).Text);
            }

            containerId = Assert.Single(provider.GetRequiredService<SandboxSessionManager>().Sessions).SandboxId;
            Assert.True(await DockerEngine.ContainerExistsAsync(containerId));
        }
        finally
        {
            await provider.DisposeAsync();
        }

        Assert.False(await DockerEngine.ContainerExistsAsync(containerId));
    }
}
