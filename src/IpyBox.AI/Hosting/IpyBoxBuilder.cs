using Microsoft.Extensions.DependencyInjection;

namespace IpyBox.AI;

/// <summary>Returned by <c>services.AddIpyBox()</c> to configure IpyBox further.</summary>
public sealed class IpyBoxBuilder
{
    internal IpyBoxBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>Gets the service collection IpyBox was added to.</summary>
    public IServiceCollection Services { get; }
}
