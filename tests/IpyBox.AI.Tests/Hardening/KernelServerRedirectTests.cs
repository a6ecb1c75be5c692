using System.Net;

namespace IpyBox.AI.Tests;

/// <summary>
/// A kernel server that answers with a redirect steers the host nowhere: whoever answers on a sandbox's port (its own code,
/// once it has taken the server over) cannot make the host send a request to another address. Each test points the
/// redirect at a second server that counts what reaches it.
/// </summary>
public sealed class KernelServerRedirectTests : IDisposable
{
    private readonly ScriptedHttpServer _target = new(_ => (200, """{"id": "stolen"}""", null));
    private readonly ScriptedHttpServer _server;

    public KernelServerRedirectTests()
    {
        _server = new ScriptedHttpServer(_ => (307, string.Empty, new Uri(_target.Uri, "containers/other?force=1").AbsoluteUri));
    }

    public void Dispose()
    {
        _server.Dispose();
        _target.Dispose();
    }

    [Fact]
    public async Task Every_kernels_api_call_refuses_a_redirect()
    {
        using var api = new KernelsApi(_server.Uri, "t");

        var create = await Assert.ThrowsAsync<HttpRequestException>(() => api.CreateAsync("python3", CancellationToken.None));
        var interrupt = await Assert.ThrowsAsync<HttpRequestException>(() => api.InterruptAsync("k", CancellationToken.None));
        var restart = await Assert.ThrowsAsync<HttpRequestException>(() => api.RestartAsync("k", CancellationToken.None));
        var delete = await Assert.ThrowsAsync<HttpRequestException>(() => api.DeleteAsync("k", CancellationToken.None));

        Assert.All([create, interrupt, restart, delete], error =>
        {
            Assert.Contains("with a redirect (307 Temporary Redirect), which is never followed", error.Message);
            Assert.Equal(HttpStatusCode.TemporaryRedirect, error.StatusCode);
        });
        Assert.Equal(4, _server.Requests.Count);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task The_websocket_handshake_refuses_a_redirect()
    {
        using var transport = new WebSocketTransport(
            new Uri($"ws://127.0.0.1:{_server.Uri.Port}/base/api/kernels/k/channels"), "t", TimeSpan.FromSeconds(10), 1 << 20);

        var error = await Assert.ThrowsAsync<HttpRequestException>(
            () => transport.StartAsync(_ => { }, _ => { }, (_, _) => { }, CancellationToken.None));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, error.StatusCode);
        Assert.Single(_server.Requests);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task A_kernel_model_larger_than_its_limit_is_refused_without_reading_it_whole()
    {
        var huge = "{\"id\": \"" + new string('a', 1 << 20) + "\"}";
        using var server = new ScriptedHttpServer(_ => (201, huge, null));
        using var api = new KernelsApi(server.Uri, "t");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => api.CreateAsync("python3", CancellationToken.None));

        Assert.Contains("more than 64 KiB", error.Message);
    }

    [Theory]
    [InlineData("""{"id": "../../containers/x"}""")]
    [InlineData("""{"id": 7}""")]
    [InlineData("""{"name": "python3"}""")]
    [InlineData("""["id"]""")]
    [InlineData("not json")]
    public async Task A_kernel_model_without_a_plain_id_is_refused(string model)
    {
        using var server = new ScriptedHttpServer(_ => (201, model, null));
        using var api = new KernelsApi(server.Uri, "t");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => api.CreateAsync("python3", CancellationToken.None));

        Assert.Contains("kernel model", error.Message);
    }

    [Fact]
    public async Task A_kernel_model_with_a_uuid_is_taken()
    {
        var id = Guid.NewGuid().ToString();
        using var server = new ScriptedHttpServer(_ => (201, $$"""{"id": "{{id}}", "name": "python3"}""", null));
        using var api = new KernelsApi(server.Uri, "t");

        Assert.Equal(id, await api.CreateAsync("python3", CancellationToken.None));
    }
}
