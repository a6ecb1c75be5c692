using IpyBox.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers IpyBox services whose sandboxes run on a Jupyter Server named by a connection string.</summary>
public static class IpyBoxConnectionServiceCollectionExtensions
{
    /// <summary>
    /// Adds everything <see cref="IpyBoxServiceCollectionExtensions.AddIpyBox(IServiceCollection, Action{IpyBoxOptions}?)"/>
    /// adds, with a <see cref="JupyterServerSandboxProvider"/> as the backend: its server's address and token are read from
    /// the connection string <paramref name="connectionName"/> (<c>ConnectionStrings:{connectionName}</c> of the
    /// application's <see cref="IConfiguration"/>), of the form <c>Endpoint=http://host:port/;Token=...</c>, which an Aspire
    /// AppHost's <c>AddIpyBoxJupyterServer</c> resource provides. The connection string is read and checked when the host
    /// starts (<c>ValidateOnStart</c>); a missing or malformed one fails the start with an error naming the connection.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionName">The name of the connection string: the Jupyter Server resource's name in the AppHost.</param>
    /// <param name="configure">Configures the IpyBox options; <see langword="null"/> for the defaults.</param>
    /// <param name="configureServer">Configures the server's options after the connection string is read (limits, kernel client settings); <see langword="null"/> for the defaults.</param>
    /// <returns>A builder for further configuration.</returns>
    public static IpyBoxBuilder AddIpyBox(
        this IServiceCollection services,
        string connectionName,
        Action<IpyBoxOptions>? configure = null,
        Action<JupyterServerOptions>? configureServer = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        services.AddOptions<JupyterServerOptions>(connectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                JupyterServerConnectionString.Apply(options, connectionName, configuration.GetConnectionString(connectionName));
                configureServer?.Invoke(options);
            })
            .Validate(options =>
            {
                try
                {
                    options.Validate();
                }
                catch (ArgumentException ex)
                {
                    throw new InvalidOperationException($"The connection string '{connectionName}' gives invalid server settings: {ex.Message}", ex);
                }

                return true;
            })
            .ValidateOnStart();

        return services.AddIpyBox(configure).WithSandboxBackend(sp =>
            new JupyterServerSandboxProvider(
                sp.GetRequiredService<IOptionsMonitor<JupyterServerOptions>>().Get(connectionName),
                sp.GetService<ILoggerFactory>()));
    }
}
