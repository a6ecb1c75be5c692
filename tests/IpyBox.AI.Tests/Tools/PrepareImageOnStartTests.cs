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

    [Fact]
    public async Task A_provider_without_Docker_needs_no_image_and_says_so_once()
    {
        var logs = new ListLoggerProvider();
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<ISandboxProvider>(new FakeSandboxProvider());
        builder.Services.AddIpyBox().UseOpenTelemetry().PrepareImageOnStart(waitUntilReady: true);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        var entry = Assert.Single(logs.Entries, e => e.Category == typeof(IpyBoxImagePreparation).FullName);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("sandboxes come from OpenTelemetrySandboxProvider, which uses no Docker engine", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_engine_and_image_prepared_are_those_of_the_provider_under_the_decorators_not_the_options()
    {
        var logs = new ListLoggerProvider();
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddIpyBox(o => o.Container.DockerEndpoint = new Uri("tcp://127.0.0.1:2"))
            .WithSandboxBackend(_ => new DockerSandboxProvider(new ExecutionContainerOptions { DockerEndpoint = s_nobody, Image = "example/runtime:1" }))
            .UseOpenTelemetry()
            .PrepareImageOnStart(waitUntilReady: true);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<DockerUnavailableException>(() => host.StartAsync());

        Assert.Contains("No Docker engine answers at tcp://127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Message.Contains("checking the container engine and the runtime image example/runtime:1", StringComparison.Ordinal));
    }
}
