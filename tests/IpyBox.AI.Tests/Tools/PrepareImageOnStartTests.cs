using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI.Tests.Tools;

/// <summary>The image preparation at application start, against an engine that does not answer (no Docker needed).</summary>
public sealed class PrepareImageOnStartTests
{
    private static readonly Uri s_nobody = new("tcp://127.0.0.1:1");

    private static IHost Host(ListLoggerProvider logs, bool waitUntilReady)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddIpyBox(o => o.Container.DockerEndpoint = s_nobody).PrepareImageOnStart(waitUntilReady);
        return builder.Build();
    }

    [Fact]
    public async Task In_the_background_an_unreachable_engine_is_logged_and_the_application_still_starts()
    {
        var logs = new ListLoggerProvider();
        using var host = Host(logs, waitUntilReady: false);

        await host.StartAsync();
        var warmUp = Assert.Single(host.Services.GetServices<IHostedService>().OfType<IpyBoxImagePreparation>()); // next to the health-check publisher
        await warmUp.Completion!; // the failure was logged, not thrown
        await host.StopAsync();

        var entries = logs.Entries.Where(e => e.Category == typeof(IpyBoxImagePreparation).FullName).ToList();
        Assert.Contains(entries, e => e.Level == LogLevel.Information && e.Message.Contains("checking the container engine and the runtime image " + RuntimeImage.DefaultTag, StringComparison.Ordinal));
        var failure = Assert.Single(entries, e => e.Level == LogLevel.Error);
        Assert.IsType<DockerUnavailableException>(failure.Exception);
        Assert.Contains("No Docker engine answers at tcp://127.0.0.1:1", failure.Exception!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waiting_for_readiness_fails_the_start_with_the_reason()
    {
        using var host = Host(new ListLoggerProvider(), waitUntilReady: true);

        var error = await Assert.ThrowsAsync<DockerUnavailableException>(() => host.StartAsync());

        Assert.Contains("eng/prepare-docker.sh", error.Message, StringComparison.Ordinal);
    }
}
