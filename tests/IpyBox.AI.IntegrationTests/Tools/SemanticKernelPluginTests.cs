using Microsoft.SemanticKernel;

namespace IpyBox.AI.IntegrationTests.Tools;

/// <summary>The plugin inside a Semantic Kernel built with the kernel-builder extension.</summary>
public sealed class SemanticKernelPluginTests
{
    [Fact]
    public async Task The_kernel_builder_extension_adds_the_plugin_and_a_plot_becomes_image_content()
    {
        await DockerEngine.EnsureAvailableAsync();
        var builder = Kernel.CreateBuilder();
        builder.AddIpyBoxPlugin(options => options.DefaultConversationKey = null);
        var kernel = builder.Build();
        var manager = kernel.GetRequiredService<SandboxSessionManager>();
        string? containerId = null;
        try
        {
            Assert.Equal(["execute_python", "install_packages", "list_files", "reset_kernel"], kernel.Plugins["python"].Select(f => f.Name).Order());
            kernel.Data[IpyBoxConversation.PropertyName] = "sk-direct";

            await kernel.InvokeAsync("python", "execute_python", new() { ["code"] = "width, height = 2, 1" });
            var result = await kernel.InvokeAsync("python", "execute_python", new()
            {
                ["code"] = "%config InlineBackend.print_figure_kwargs = {'bbox_inches': None}\nimport matplotlib.pyplot as plt\nplt.figure(figsize=(width, height), dpi=100)\nplt.plot([0, 1])\nplt.show()",
            });
            containerId = Assert.Single(manager.Sessions).SandboxId;

            var items = result.ToKernelContents();
            var image = Assert.Single(items.OfType<ImageContent>());
            Assert.Equal("image/png", image.MimeType);
            Assert.Equal((200, 100), Png.Size(image.Data!.Value.Span));
            Assert.Contains("[image 1: image/png, 200x100 pixels]", Assert.Single(items.OfType<TextContent>()).Text, StringComparison.Ordinal);
            Assert.Equal("sk-direct", manager.Sessions[0].ConversationKey);
        }
        finally
        {
            await manager.DisposeAsync();
        }

        Assert.False(await DockerEngine.ContainerExistsAsync(containerId!));
    }
}
