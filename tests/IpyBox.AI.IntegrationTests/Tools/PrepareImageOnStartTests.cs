using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI.IntegrationTests.Tools;

/// <summary>The image preparation at application start against the real engine.</summary>
public sealed class PrepareImageOnStartTests
{
    private static IHost Host(ListLoggerProvider logs, Action<IpyBoxOptions> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddIpyBox(configure).PrepareImageOnStart(waitUntilReady: true);
        return builder.Build();
    }

    [Fact]
    public async Task The_start_waits_for_the_image_and_logs_that_the_sandboxes_are_ready()
    {
        await DockerEngine.EnsureAvailableAsync();
        await using var image = await ThrowawayImage.BuildAsync("warm-up", $"FROM {RuntimeImage.DefaultTag}\nLABEL ai.ipybox.test=warm-up\n");
        var logs = new ListLoggerProvider();
        using var host = Host(logs, o => o.Container.Image = image.Tag);

        await host.StartAsync();
        await host.StopAsync();

        var messages = logs.Entries.Where(e => e.Category == typeof(IpyBoxImagePreparation).FullName).Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.StartsWith($"Preparing IpyBox: checking the container engine and the runtime image {image.Tag}", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith($"IpyBox is prepared: the engine answers and image {image.Tag} is ready", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task An_image_that_cannot_be_pulled_fails_the_start_and_its_progress_is_logged()
    {
        await DockerEngine.EnsureAvailableAsync();
        var logs = new ListLoggerProvider();
        var missing = $"127.0.0.1:1/ipybox-ai-test/missing:{Guid.NewGuid():N}"; // a registry on loopback that does not answer
        using var host = Host(logs, o => o.Container.Image = missing);

        var error = await Assert.ThrowsAsync<ImageBuildException>(() => host.StartAsync());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Message.Contains($"checking the container engine and the runtime image {missing}", StringComparison.Ordinal));
    }
}
