using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI.Tests;

/// <summary>How the Jupyter-server backend reports answers a stock server gives only behind gateways and proxies.</summary>
public sealed class JupyterServerErrorTests
{
    private const string NotFound = """{"message": "Not Found", "reason": null}""";

    private static ContentsApiFiles Files(ScriptedHttpServer server, out JupyterServerApi api)
    {
        var options = new JupyterServerOptions { ServerUri = server.Uri, Token = "t" };
        api = new JupyterServerApi(server.Uri, "t", options.RequestTimeout);
        return new ContentsApiFiles(api, options, NullLogger.Instance);
    }

    [Fact]
    public async Task A_gateway_without_a_contents_api_is_told_apart_from_a_missing_file()
    {
        using var server = new ScriptedHttpServer(_ => (404, NotFound, null));
        var files = Files(server, out var api);
        using var scope = api;

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => files.ListAsync("data"));

        Assert.Contains("has no Contents API", error.Message);
        Assert.Contains("Enterprise Gateway", error.Message);
        Assert.Equal(["GET /base/api/contents/data?content=0", "GET /base/api/contents?content=0"], server.Requests);
    }

    [Fact]
    public async Task A_missing_file_on_a_server_with_files_is_a_missing_file()
    {
        using var server = new ScriptedHttpServer(request => request.Url!.AbsolutePath == "/base/api/contents"
            ? (200, """{"name": "", "path": "", "type": "directory", "size": null}""", null)
            : (404, """{"message": "file or directory does not exist: 'x.txt'", "reason": null}""", null));
        var files = Files(server, out var api);
        using var scope = api;

        await Assert.ThrowsAsync<FileNotFoundException>(() => files.DeleteFileAsync("x.txt"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => files.DeleteFileAsync("y.txt"));

        // The root answered once: later misses are not asked about again.
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Unauthorized_is_an_error_about_the_token()
    {
        using var server = new ScriptedHttpServer(_ => (401, """{"message": "Unauthorized"}""", null));
        var files = Files(server, out var api);
        using var scope = api;

        var error = await Assert.ThrowsAsync<IpyBoxException>(() => files.ListAsync());

        Assert.Contains("refused the token (401 Unauthorized)", error.Message);
        Assert.IsType<UnauthorizedAccessException>(error.InnerException);
    }

    [Fact]
    public async Task A_permission_error_on_a_file_is_an_IOException_with_the_servers_message()
    {
        using var server = new ScriptedHttpServer(request => request.HttpMethod == "DELETE"
            ? (403, """{"message": "Permission denied: locked.txt", "reason": null}""", null)
            : (200, """{"name": "locked.txt", "path": "locked.txt", "type": "file", "size": 3}""", null));
        var files = Files(server, out var api);
        using var scope = api;

        var error = await Assert.ThrowsAsync<IOException>(() => files.DeleteFileAsync("locked.txt"));

        Assert.Equal("The Jupyter server could not delete /app/locked.txt (403 Forbidden): Permission denied: locked.txt", error.Message);
    }

    [Fact]
    public async Task A_redirect_to_a_login_page_is_reported_not_followed()
    {
        using var server = new ScriptedHttpServer(_ => (302, string.Empty, "/hub/login"));
        var files = Files(server, out var api);
        using var scope = api;

        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => files.ListAsync());

        Assert.Contains("redirected the request to /hub/login", error.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_server_error_that_is_not_json_keeps_its_text()
    {
        using var server = new ScriptedHttpServer(_ => (502, "<html>Bad Gateway from the proxy</html>", null));
        var files = Files(server, out var api);
        using var scope = api;

        var error = await Assert.ThrowsAsync<IOException>(() => files.ListAsync("x"));

        Assert.Equal("The Jupyter server could not read /app/x (502 Bad Gateway): <html>Bad Gateway from the proxy</html>", error.Message);
    }

    [Fact]
    public async Task A_web_server_that_is_not_jupyter_is_unavailable_as_a_sandbox()
    {
        using var server = new ScriptedHttpServer(_ => (200, "<html>welcome</html>", null));
        var provider = new JupyterServerSandboxProvider(new JupyterServerOptions { ServerUri = server.Uri, Token = "t" });

        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => provider.CreateAsync());

        Assert.Contains("answers, but not as a Jupyter server", error.Message);
        Assert.Equal(["GET /base/api/kernelspecs"], server.Requests);
    }
}
