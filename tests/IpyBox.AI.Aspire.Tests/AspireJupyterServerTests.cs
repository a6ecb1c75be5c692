using System.Data.Common;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using IpyBox.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IpyBox.AI.Aspire.Tests;

/// <summary>
/// Starts the test AppHost (a Jupyter Server resource of the runtime image) through the real orchestrator and a real
/// engine, and reaches its kernels through the connection string the resource publishes.
/// </summary>
public sealed class AspireJupyterServerTests
{
    private const string ResourceName = "ipybox";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task AddIpyBox_with_the_resource_connection_string_runs_cells_on_the_AppHost_server()
    {
        using var timeout = new CancellationTokenSource(s_startTimeout);
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IpyBox_AI_Aspire_AppHost>(timeout.Token);
        await using var app = await appHost.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceName, timeout.Token);

        var connectionString = await app.GetConnectionStringAsync(ResourceName, timeout.Token);
        Assert.NotNull(connectionString);
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var endpoint = new Uri((string)parts["Endpoint"]);
        Assert.Equal("http", endpoint.Scheme);
        Assert.True(endpoint.IsLoopback, $"The server is published on {endpoint}, not on loopback.");
        Assert.False(string.IsNullOrEmpty((string)parts["Token"]));

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceName}"] = connectionString,
        });
        builder.Services.AddIpyBox(ResourceName);
        using var host = builder.Build();
        await host.StartAsync(timeout.Token);

        // The cells below run on the AppHost's server, not in a Docker sandbox of the default backend.
        var backend = host.Services.GetRequiredService<ISandboxProvider>().GetService<JupyterServerSandboxProvider>();
        Assert.NotNull(backend);
        Assert.Equal(endpoint, backend.Options.ServerUri);

        var tools = host.Services.GetRequiredService<SandboxTools>();
        var assigned = await tools.ExecuteAsync("aspire", "answer = 6 * 7", cancellationToken: timeout.Token);
        Assert.False(assigned.IsError, assigned.Text);
        var read = await tools.ExecuteAsync("aspire", "print(answer)", cancellationToken: timeout.Token);
        Assert.False(read.IsError, read.Text);
        Assert.Equal("42", read.CellResult?.Text?.Trim());

        // The server runs under the engine settings of a sandbox container: no new privileges, a read-only root
        // file system, and /app writable.
        var confinement = await tools.ExecuteAsync(
            "aspire",
            """
            import pathlib
            no_new_privs = [l.split()[1] for l in open('/proc/self/status') if l.startswith('NoNewPrivs:')][0]
            try:
                open('/usr/local/ipybox-probe', 'w')
                root = 'writable'
            except OSError:
                root = 'read-only'
            pathlib.Path('/app/probe.txt').write_text('ok')
            print(no_new_privs, root, pathlib.Path('/app/probe.txt').read_text())
            """,
            cancellationToken: timeout.Token);
        Assert.False(confinement.IsError, confinement.Text);
        Assert.Equal("1 read-only ok", confinement.CellResult?.Text?.Trim());

        await host.StopAsync(timeout.Token);
    }
}
