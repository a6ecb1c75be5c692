using Microsoft.Extensions.DependencyInjection;

namespace IpyBox.AI;

/// <summary>Helpers for decorating a registered service: the decorated registration moves under a private key.</summary>
internal static class ServiceDescriptorExtensions
{
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
