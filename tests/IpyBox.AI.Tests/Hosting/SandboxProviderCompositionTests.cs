using Microsoft.Extensions.DependencyInjection;

namespace IpyBox.AI.Tests.Hosting;

/// <summary>
/// The sandbox provider <c>AddIpyBox</c> composes: a backend, then the decorators of <c>UseSandboxProvider</c>, <c>UseWarmPool</c>
/// and <c>UseOpenTelemetry</c> in the order they were added, registered once as <see cref="ISandboxProvider"/>.
/// </summary>
public sealed class SandboxProviderCompositionTests
{
    [Fact]
    public async Task Decorators_wrap_the_backend_in_the_order_they_were_added_and_get_the_service_provider()
    {
        var fake = new FakeSandboxProvider();
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(fake);
        IServiceProvider? seen = null;
        services.AddIpyBox()
            .UseSandboxProvider(inner => new NamedProvider("first", inner))
            .UseSandboxProvider((inner, sp) =>
            {
                seen = sp;
                return new NamedProvider("second", inner);
            });
        await using var provider = services.BuildServiceProvider();

        var outer = Assert.IsType<NamedProvider>(provider.GetRequiredService<ISandboxProvider>());

        Assert.Equal("second", outer.Name);
        Assert.Equal("first", Assert.IsType<NamedProvider>(outer.Inner).Name);
        Assert.Same(fake, ((NamedProvider)outer.Inner).Inner);
        Assert.Same(outer, provider.GetRequiredService<SandboxSessionManager>().Provider);
        Assert.NotNull(seen);
        Assert.Same(provider.GetRequiredService<TimeProvider>(), seen.GetRequiredService<TimeProvider>()); // the application's services
    }

    [Fact]
    public async Task Pool_and_telemetry_are_one_registration_over_one_backend_and_stay_resolvable_from_it()
    {
        var fake = new FakeSandboxProvider();
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(fake);
        services.AddIpyBox().UseWarmPool(o => o.MinWarm = 1).UseOpenTelemetry();
        await using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(ISandboxProvider) && !d.IsKeyedService);
        Assert.Single(services, d => d.ServiceType == typeof(ISandboxProvider) && d.IsKeyedService); // the backend only
        var telemetry = Assert.IsType<OpenTelemetrySandboxProvider>(provider.GetRequiredService<ISandboxProvider>());
        var pool = provider.GetRequiredService<PoolingSandboxProvider>();
        Assert.Same(pool, telemetry.GetService<PoolingSandboxProvider>());
        Assert.Same(telemetry, provider.GetRequiredService<OpenTelemetrySandboxProvider>());
        Assert.Same(fake, pool.GetService<FakeSandboxProvider>());
    }

    [Fact]
    public async Task AddIpyBox_called_twice_composes_one_provider_from_both_builders()
    {
        var fake = new FakeSandboxProvider();
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(fake);
        services.AddIpyBox().UseWarmPool(o => o.MinWarm = 1);
        services.AddIpyBox().UseOpenTelemetry().UseWarmPool();
        await using var provider = services.BuildServiceProvider();

        var telemetry = Assert.IsType<OpenTelemetrySandboxProvider>(provider.GetRequiredService<ISandboxProvider>());
        var pool = provider.GetRequiredService<PoolingSandboxProvider>();
        Assert.Same(pool, telemetry.GetService<PoolingSandboxProvider>());
        Assert.Same(fake, pool.GetService<FakeSandboxProvider>());
        Assert.Single(services, d => d.ServiceType == typeof(PoolingSandboxProvider));
    }

    [Fact]
    public async Task WithSandboxBackend_is_the_backend_even_over_a_registered_provider_and_is_disposed_with_the_service_provider()
    {
        var registered = new FakeSandboxProvider();
        var backend = new NamedProvider("backend", new FakeSandboxProvider());
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(registered);
        services.AddIpyBox().WithSandboxBackend(_ => backend).UseOpenTelemetry();
        var provider = services.BuildServiceProvider();

        var telemetry = Assert.IsType<OpenTelemetrySandboxProvider>(provider.GetRequiredService<SandboxSessionManager>().Provider);
        Assert.Same(backend, telemetry.GetService<NamedProvider>());
        Assert.NotSame(registered, telemetry.GetService<FakeSandboxProvider>());

        await provider.DisposeAsync();
        Assert.True(backend.IsDisposed);
    }

    [Fact]
    public async Task Decorators_under_the_outermost_one_are_disposed_with_the_service_provider()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(new FakeSandboxProvider());
        NamedProvider? inner = null;
        services.AddIpyBox().UseSandboxProvider(p => inner = new NamedProvider("inner", p)).UseOpenTelemetry();
        var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<SandboxSessionManager>();

        await provider.DisposeAsync();

        Assert.NotNull(inner);
        Assert.True(inner.IsDisposed);
    }

    [Fact]
    public void A_provider_registered_after_AddIpyBox_replaces_the_composition_and_the_Use_methods_say_so()
    {
        var services = new ServiceCollection();
        var builder = services.AddIpyBox();
        services.AddSingleton<ISandboxProvider>(new FakeSandboxProvider());

        var error = Assert.Throws<InvalidOperationException>(() => builder.UseSandboxProvider(p => p));

        Assert.Contains("registered after AddIpyBox()", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithSandboxBackend", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decorator_that_returns_null_is_reported_when_the_provider_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(new FakeSandboxProvider());
        services.AddIpyBox().UseSandboxProvider(_ => null!);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ISandboxProvider>());

        Assert.Contains("returned null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_registered_provider_or_backend_the_backend_is_Docker_from_the_options()
    {
        var services = new ServiceCollection();
        services.AddIpyBox(o => o.Container.Image = "example/runtime:1");
        using var provider = services.BuildServiceProvider();

        var docker = Assert.IsType<DockerSandboxProvider>(provider.GetRequiredService<ISandboxProvider>());

        Assert.Equal("example/runtime:1", docker.ContainerOptions.Image);
    }

    /// <summary>A decorator that only passes calls on, to see what wraps what.</summary>
    private sealed class NamedProvider(string name, ISandboxProvider inner) : DelegatingSandboxProvider(inner), IDisposable
    {
        public string Name { get; } = name;

        public ISandboxProvider Inner => InnerProvider;

        public bool IsDisposed { get; private set; }

        public void Dispose() => IsDisposed = true;
    }
}
