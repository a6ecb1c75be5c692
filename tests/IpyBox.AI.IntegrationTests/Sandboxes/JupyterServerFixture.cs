using System.Net.Http.Headers;
using System.Text.Json;

namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// A container of the runtime image published on 127.0.0.1 stands in for an existing Jupyter server: the provider gets only
/// its address and token, never the container.
/// </summary>
public class JupyterServerFixture : SandboxProviderFixture
{
    private ExecutionContainer? _server;

    /// <summary>Gets the server's base address, with its path prefix.</summary>
    public Uri ServerUri => new(Server.ServerUri, BasePath.TrimStart('/'));

    /// <summary>Gets the server's token.</summary>
    public string Token => Server.Token;

    /// <summary>Gets the path prefix the server is published under (its <c>base_url</c>).</summary>
    protected virtual string BasePath => "/";

    private ExecutionContainer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Options for a provider of this server; change them to test other settings.</summary>
    public JupyterServerOptions CreateOptions() => new() { ServerUri = ServerUri, Token = Token };

    /// <summary>Returns the ids of the kernels the server runs, asked through its REST API.</summary>
    public async Task<IReadOnlyList<string>> ListKernelIdsAsync()
    {
        using var http = new HttpClient { BaseAddress = ServerUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", Token);
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/kernels", UriKind.Relative)));
        return [.. document.RootElement.EnumerateArray().Select(k => k.GetProperty("id").GetString()!)];
    }

    protected override async Task<ISandboxProvider> CreateProviderAsync()
    {
        var options = new ExecutionContainerOptions();
        if (BasePath != "/")
        {
            options.Environment["IPYBOX_BASE_URL"] = BasePath;
        }

        _server = await ExecutionContainer.StartAsync(options);
        return new JupyterServerSandboxProvider(CreateOptions());
    }

    protected override async Task DisposeBackendAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>A Jupyter server published under a path prefix, as behind a reverse proxy or JupyterHub.</summary>
public sealed class PrefixedJupyterServerFixture : JupyterServerFixture
{
    protected override string BasePath => "/jupyter/user-1/";
}
