using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IpyBox.AI.Tests;

/// <summary>What <c>AddIpyBox</c> gives a host: options validated at start, the health check, <c>UseOpenTelemetry</c>.</summary>
public sealed class IpyBoxHostingTests
{
    [Fact]
    public async Task Invalid_options_fail_the_host_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddIpyBox(o => o.MaxSessions = 0);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("MaxSessions", error.Message);
    }

    [Fact]
    public async Task The_health_check_is_registered_and_a_provider_without_an_engine_is_healthy()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISandboxProvider>(new FakeSandboxProvider());
        services.AddIpyBox();
        services.AddIpyBox();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal("ipybox", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Contains("FakeSandboxProvider", entry.Value.Description);
    }

    [Fact]
    public async Task UseOpenTelemetry_wraps_the_registered_provider_once()
    {
        var fake = new FakeSandboxProvider();
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(fake);
        services.AddIpyBox(o => o.EnableSensitiveTelemetryData = true).UseOpenTelemetry().UseOpenTelemetry();
        await using var provider = services.BuildServiceProvider();

        var telemetry = Assert.IsType<OpenTelemetrySandboxProvider>(provider.GetRequiredService<ISandboxProvider>());
        Assert.True(telemetry.EnableSensitiveData);
        Assert.Same(fake, telemetry.GetService<FakeSandboxProvider>());
        Assert.Same(telemetry, provider.GetRequiredService<SandboxSessionManager>().Provider);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DisableHealthChecks_leaves_the_check_out_wherever_the_options_are_set(bool inAddIpyBox)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISandboxProvider>(new FakeSandboxProvider());
        if (inAddIpyBox)
        {
            services.AddIpyBox(o => o.DisableHealthChecks = true);
        }
        else
        {
            services.AddIpyBox();
            services.Configure<IpyBoxOptions>(o => o.DisableHealthChecks = true);
        }

        await using var provider = services.BuildServiceProvider();

        Assert.DoesNotContain(provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations, r => r.Name == "ipybox");
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Empty(report.Entries);
    }

    [Fact]
    public async Task The_health_check_checks_the_engine_and_image_of_the_provider_under_the_decorators_not_the_options()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddIpyBox(o => o.Container.DockerEndpoint = new Uri("tcp://127.0.0.1:2"))
            .WithSandboxBackend(_ => new DockerSandboxProvider(new ExecutionContainerOptions { DockerEndpoint = new Uri("tcp://127.0.0.1:1"), Image = "example/runtime:1" }))
            .UseOpenTelemetry();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries).Value;
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("No Docker engine answers at tcp://127.0.0.1:1", entry.Description, StringComparison.Ordinal);
        Assert.Equal("example/runtime:1", entry.Data["image"]);
    }
}
