using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IpyBox.AI.Tests.Hosting;

/// <summary>
/// <c>AddIpyBox(connectionName)</c>: the backend is a <see cref="JupyterServerSandboxProvider"/> made from the connection
/// string <c>Endpoint=...;Token=...</c>, and a missing or malformed one fails the host's start with an error that names the
/// connection and never shows the token.
/// </summary>
public sealed class ConnectionStringBackendTests
{
    private const string Secret = "s3cret-token-value";

    [Fact]
    public async Task The_backend_is_a_Jupyter_server_provider_with_the_address_and_token_of_the_connection_string()
    {
        using var host = Build($"Endpoint=http://127.0.0.1:40123/;Token={Secret}", server => server.MaxFileBytes = 1 << 20);
        await host.StartAsync();

        var provider = host.Services.GetRequiredService<ISandboxProvider>().GetService<JupyterServerSandboxProvider>();

        Assert.NotNull(provider);
        Assert.Equal(new Uri("http://127.0.0.1:40123/"), provider.Options.ServerUri);
        Assert.Equal(Secret, provider.Options.Token);
        Assert.Equal(1 << 20, provider.Options.MaxFileBytes);
        Assert.Same(provider, host.Services.GetRequiredService<SandboxSessionManager>().Provider.GetService<JupyterServerSandboxProvider>());
        await host.StopAsync();
    }

    [Theory]
    [InlineData(null, "No connection string 'ipybox' is configured (ConnectionStrings:ipybox)")]
    [InlineData("", "No connection string 'ipybox' is configured (ConnectionStrings:ipybox)")]
    [InlineData("Endpoint=http://127.0.0.1:40123/", "has no Token= part")]
    [InlineData("Token=" + Secret, "has no Endpoint= part")]
    [InlineData("Endpoint=not an address;Token=" + Secret, "is not an absolute address")]
    [InlineData("Endpoint=ftp://127.0.0.1/;Token=" + Secret, "The connection string 'ipybox' gives invalid server settings: ServerUri 'ftp://127.0.0.1/' must be an absolute http or https address")]
    [InlineData("Endpoint=http://127.0.0.1:40123/;Token=" + Secret + ";Password=" + Secret, "has the key 'password'")]
    [InlineData("Endpoint=http://127.0.0.1:40123/;Token=\"" + Secret, "is not of the form Endpoint=http://host:port/;Token=<token>")]
    public async Task A_missing_or_malformed_connection_string_fails_the_start_naming_the_connection_not_the_token(string? connectionString, string expected)
    {
        using var host = Build(connectionString);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_that_carries_the_token_in_its_query_is_refused_at_start()
    {
        using var host = Build($"Endpoint=http://127.0.0.1:40123/?token={Secret};Token={Secret}");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("The connection string 'ipybox' gives invalid server settings", error.Message, StringComparison.Ordinal);
        Assert.Contains("must have no query or fragment", error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(string? connectionString, Action<JupyterServerOptions>? configureServer = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:ipybox"] = connectionString });
        builder.Services.AddIpyBox("ipybox", configureServer: configureServer);
        return builder.Build();
    }
}
