using Microsoft.Extensions.DependencyInjection;

namespace IpyBox.AI;

/// <summary>Helpers for decorating a registered service: the decorated registration moves under a private key.</summary>
internal static class ServiceDescriptorExtensions
{
    /// <summary>
    /// Puts a <typeparamref name="TDecorator"/> over the registered <see cref="ISandboxProvider"/>: the provider it wraps stays in the
    /// container under a private key (so the container still creates and disposes it), and the decorator becomes the provider.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="caller">The builder method, for the error when no provider is registered.</param>
    /// <param name="create">Creates the decorator over the inner provider.</param>
    /// <exception cref="InvalidOperationException">No <see cref="ISandboxProvider"/> is registered.</exception>
    public static void DecorateSandboxProvider<TDecorator>(this IServiceCollection services, string caller, Func<IServiceProvider, ISandboxProvider, TDecorator> create)
        where TDecorator : class, ISandboxProvider
    {
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(ISandboxProvider) && !d.IsKeyedService)
            ?? throw new InvalidOperationException($"No ISandboxProvider is registered; call services.AddIpyBox() before {caller}().");
        var key = typeof(TDecorator);
        services.Remove(inner);
        services.Add(inner.AsKeyed(key));
        services.AddSingleton(sp => create(sp, sp.GetRequiredKeyedService<ISandboxProvider>(key)));
        services.AddSingleton<ISandboxProvider>(sp => sp.GetRequiredService<TDecorator>());
    }

    /// <summary>Returns the same registration as a keyed one under <paramref name="key"/>.</summary>
    public static ServiceDescriptor AsKeyed(this ServiceDescriptor descriptor, object key)
    {
        if (descriptor.ImplementationInstance is { } instance)
        {
            return new ServiceDescriptor(descriptor.ServiceType, key, instance);
        }

        if (descriptor.ImplementationFactory is { } factory)
        {
            return new ServiceDescriptor(descriptor.ServiceType, key, (sp, _) => factory(sp), descriptor.Lifetime);
        }

        return new ServiceDescriptor(descriptor.ServiceType, key, descriptor.ImplementationType!, descriptor.Lifetime);
    }
}
