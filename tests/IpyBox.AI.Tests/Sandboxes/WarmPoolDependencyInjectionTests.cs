using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IpyBox.AI.Tests.Sandboxes;

/// <summary><c>AddIpyBox().UseWarmPool()</c> on a fake provider: what is registered, what wraps what, what disposal removes.</summary>
public sealed class WarmPoolDependencyInjectionTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UseWarmPool_puts_a_pool_over_the_registered_provider_under_the_session_manager()
    {
        var fake = new FakeSandboxProvider();
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(fake);
        services.AddIpyBox().UseWarmPool(o => o.MinWarm = 3);
        await using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<SandboxSessionManager>();
        var pool = provider.GetRequiredService<PoolingSandboxProvider>();

        Assert.Same(pool, manager.Provider);
        Assert.Same(pool, provider.GetRequiredService<ISandboxProvider>());
        Assert.Same(fake, pool.GetService<FakeSandboxProvider>());
        await pool.FillAsync().WaitAsync(s_hang);
        Assert.Equal(3, pool.GetStatistics().Warm);
    }

    [Fact]
    public async Task Disposing_the_service_provider_removes_the_conversations_and_the_ready_sandboxes()
    {
        var fake = new FakeSandboxProvider();
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(fake);
        services.AddIpyBox().UseWarmPool(o => o.MinWarm = 2);
        var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SandboxSessionManager>();
        var pool = provider.GetRequiredService<PoolingSandboxProvider>();
        await pool.FillAsync().WaitAsync(s_hang);
        var session = await manager.GetOrCreateAsync("conversation");
        await pool.FillAsync().WaitAsync(s_hang);

        await provider.DisposeAsync();

        Assert.Equal(3, fake.Sandboxes.Count);
        Assert.All(fake.Sandboxes, s => Assert.True(s.IsDisposed, $"{s.Id} was not removed"));
        Assert.True(session.IsDisposed);
        Assert.Equal(0, pool.GetStatistics().Total);
    }

    [Fact]
    public async Task UseWarmPool_twice_keeps_one_pool_and_applies_both_configurations()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(new FakeSandboxProvider());
        services.AddIpyBox().UseWarmPool(o => o.MinWarm = 1).UseWarmPool(o => o.MaxTotal = 5);
        await using var provider = services.BuildServiceProvider();

        var pool = provider.GetRequiredService<PoolingSandboxProvider>();

        Assert.IsType<FakeSandboxProvider>(pool.GetService<FakeSandboxProvider>());
        Assert.Single(services, d => d.ServiceType == typeof(PoolingSandboxProvider));
        Assert.Single(services, d => d.ServiceType == typeof(ISandboxProvider) && d.IsKeyedService); // the wrapped provider, once
        var options = provider.GetRequiredService<IOptions<WarmPoolOptions>>().Value;
        Assert.Equal(1, options.MinWarm);
        Assert.Equal(5, options.MaxTotal);
    }

    [Fact]
    public void Without_AddIpyBox_UseWarmPool_says_what_to_call_first()
    {
        var services = new ServiceCollection();
        var builder = services.AddIpyBox();
        services.RemoveAll<ISandboxProvider>();

        var error = Assert.Throws<InvalidOperationException>(() => builder.UseWarmPool());

        Assert.Contains("AddIpyBox()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_pool_options_are_reported_when_the_manager_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(new FakeSandboxProvider());
        services.AddIpyBox().UseWarmPool(o => o.MaxTotal = 1);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SandboxSessionManager>());

        Assert.Contains("MaxTotal (1) is below MinWarm (2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_registered_provider_the_pool_wraps_the_Docker_provider_made_from_the_options()
    {
        var services = new ServiceCollection();
        services.AddIpyBox(o => o.Container.Image = "example/runtime:1").UseWarmPool();
        await using var provider = services.BuildServiceProvider();

        // The wrapped provider, created as the pool would create it (resolving the pool itself would start containers).
        var inner = Assert.Single(services, d => d.ServiceType == typeof(ISandboxProvider) && d.IsKeyedService);
        var docker = Assert.IsType<DockerSandboxProvider>(inner.KeyedImplementationFactory!(provider, inner.ServiceKey));

        Assert.Equal("example/runtime:1", docker.ContainerOptions.Image);
        Assert.Same(provider.GetRequiredService<IOptions<IpyBoxOptions>>().Value.Container, docker.ContainerOptions);
    }
}
