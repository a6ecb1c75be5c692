using System.Data.Common;

namespace IpyBox.AI;

/// <summary>
/// Reads a connection string of the form <c>Endpoint=http://host:port/;Token=...</c> (what the Aspire hosting integration
/// gives a Jupyter Server resource) into <see cref="JupyterServerOptions"/>. Errors name the connection, never the token.
/// </summary>
internal static class JupyterServerConnectionString
{
    private const string EndpointKey = "Endpoint";
    private const string TokenKey = "Token";

    /// <summary>Sets <see cref="JupyterServerOptions.ServerUri"/> and <see cref="JupyterServerOptions.Token"/> from the connection string.</summary>
    /// <exception cref="InvalidOperationException">The connection string is missing, malformed, or lacks or adds a key.</exception>
    public static void Apply(JupyterServerOptions options, string connectionName, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"No connection string '{connectionName}' is configured (ConnectionStrings:{connectionName}). " +
                "Reference the AppHost's Jupyter Server resource of that name (WithReference), or set it to Endpoint=http://host:port/;Token=<token>.");
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            throw new InvalidOperationException(
                $"The connection string '{connectionName}' is not of the form Endpoint=http://host:port/;Token=<token>.");
        }

        foreach (string key in builder.Keys)
        {
            if (!key.Equals(EndpointKey, StringComparison.OrdinalIgnoreCase) && !key.Equals(TokenKey, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"The connection string '{connectionName}' has the key '{key}'; only {EndpointKey} and {TokenKey} are known.");
            }
        }

        var endpoint = Read(builder, EndpointKey, connectionName);
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException(
                $"The {EndpointKey} of connection string '{connectionName}' is not an absolute address, e.g. http://127.0.0.1:8888/.");
        }

        options.ServerUri = uri;
        options.Token = Read(builder, TokenKey, connectionName);
    }

    private static string Read(DbConnectionStringBuilder builder, string key, string connectionName) =>
        builder.TryGetValue(key, out var value) && value is string text && !string.IsNullOrWhiteSpace(text)
            ? text
            : throw new InvalidOperationException($"The connection string '{connectionName}' has no {key}= part.");
}
