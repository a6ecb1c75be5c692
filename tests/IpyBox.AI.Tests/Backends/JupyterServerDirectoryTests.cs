namespace IpyBox.AI.Tests;

/// <summary>
/// The Jupyter-server sandbox directory against a scripted server that answers as a hostile one may: what its kernel list
/// says is checked before it becomes a sandbox id, and its failures become the library's errors.
/// </summary>
public sealed class JupyterServerDirectoryTests
{
    private static ISandboxDirectory Directory(ScriptedHttpServer server) =>
        new JupyterServerSandboxProvider(new JupyterServerOptions { ServerUri = server.Uri, Token = "t" }).Directory;

    [Fact]
    public async Task Only_kernels_with_a_usable_id_are_listed_most_recently_active_first_with_a_usable_spec_name()
    {
        using var server = new ScriptedHttpServer(_ => (200, """
            [
              {"id": "older", "name": "python3", "last_activity": "2026-01-01T10:00:00Z"},
              {"id": "../../api/contents", "name": "python3"},
              {"id": 42},
              {"id": "newer", "name": "bad name; rm -rf /", "last_activity": "2026-01-02T10:00:00Z"},
              {"name": "python3"},
              "not a model",
              {"id": "no-activity"}
            ]
            """, null));

        var listed = await Directory(server).ListAsync();

        Assert.Equal(["newer", "older", "no-activity"], listed.Select(i => i.Id));
        Assert.All(listed, i => Assert.Equal(SandboxState.Running, i.State));
        Assert.Equal([null, "python3", null], listed.Select(i => i.Image));
        Assert.Equal(DateTimeOffset.Parse("2026-01-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), listed[0].Created);
        Assert.All(listed, i => Assert.Null(i.Lease));
    }

    [Fact]
    public async Task A_query_for_what_the_server_does_not_keep_matches_nothing_without_asking_it()
    {
        using var server = new ScriptedHttpServer(_ => (200, """[{"id": "k1", "name": "python3"}]""", null));
        var directory = Directory(server);
        var withMetadata = new SandboxQuery();
        withMetadata.Metadata["tenant"] = "contoso";

        Assert.Empty(await directory.ListAsync(withMetadata));
        Assert.Empty(await directory.ListAsync(new SandboxQuery { DurableOnly = true }));
        Assert.Empty(await directory.ListAsync(new SandboxQuery { ConversationKey = "c" }));
        Assert.Empty(await directory.ListAsync(new SandboxQuery { State = SandboxState.Stopped }));
        Assert.Empty(server.Requests);
        Assert.Single(await directory.ListAsync(new SandboxQuery { State = SandboxState.Running }));
    }

    [Fact]
    public async Task A_server_that_describes_another_kernel_than_the_one_asked_for_is_not_believed()
    {
        using var server = new ScriptedHttpServer(_ => (200, """{"id": "someone-else", "name": "python3"}""", null));
        var directory = Directory(server);

        Assert.Null(await directory.FindAsync("mine"));
        await Assert.ThrowsAsync<SandboxNotFoundException>(() => directory.AttachAsync("mine"));
        Assert.Equal(["GET /base/api/kernels/mine", "GET /base/api/kernels/mine"], server.Requests);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a%2Fb")]
    [InlineData("a?b")]
    public async Task An_id_that_is_not_a_kernel_id_sends_no_request(string id)
    {
        using var server = new ScriptedHttpServer(_ => (200, "[]", null));
        var directory = Directory(server);

        Assert.Null(await directory.FindAsync(id));
        Assert.False(await directory.DeleteAsync(id));
        await Assert.ThrowsAsync<SandboxNotFoundException>(() => directory.AttachAsync(id));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_redirect_is_reported_and_never_followed()
    {
        using var elsewhere = new ScriptedHttpServer(_ => (200, "[]", null));
        using var server = new ScriptedHttpServer(_ => (302, string.Empty, new Uri(elsewhere.Uri, "api/kernels").AbsoluteUri));

        var error = await Assert.ThrowsAsync<IpyBoxException>(() => Directory(server).ListAsync());

        Assert.Contains("redirect", error.Message);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task A_kernel_list_larger_than_its_limit_is_refused()
    {
        var huge = "[" + string.Join(",", Enumerable.Repeat("""{"id": "k", "name": "python3"}""", 60_000)) + "]";
        using var server = new ScriptedHttpServer(_ => (200, huge, null));

        var error = await Assert.ThrowsAsync<IpyBoxException>(() => Directory(server).ListAsync());

        Assert.Contains("could not list its kernels", error.Message);
    }

    [Fact]
    public async Task A_refused_token_and_an_unreachable_server_get_errors_that_say_what_to_fix()
    {
        using var server = new ScriptedHttpServer(_ => (403, """{"message": "Forbidden"}""", null));
        var unreachable = new JupyterServerSandboxProvider(new JupyterServerOptions { ServerUri = new Uri("http://127.0.0.1:1/"), Token = "t" }).Directory;

        var refused = await Assert.ThrowsAsync<IpyBoxException>(() => Directory(server).DeleteAsync("k1"));
        var gone = await Assert.ThrowsAsync<SandboxUnavailableException>(() => unreachable.ListAsync());

        Assert.Contains("JupyterServerOptions.Token", refused.Message);
        Assert.Contains("cannot be reached", gone.Message);
        Assert.Contains("JupyterServerOptions.ServerUri", gone.Message);
    }

    [Fact]
    public async Task Pause_stop_and_resume_name_the_backend_and_the_sweep_asks_nothing()
    {
        using var server = new ScriptedHttpServer(_ => (200, "[]", null));
        var directory = Directory(server);

        var pause = await Assert.ThrowsAsync<NotSupportedException>(() => directory.PauseAsync("k1"));
        await Assert.ThrowsAsync<NotSupportedException>(() => directory.StopAsync("k1"));
        await Assert.ThrowsAsync<NotSupportedException>(() => directory.ResumeAsync("k1"));

        Assert.Contains("JupyterServerSandboxProvider", pause.Message);
        Assert.Empty(await directory.RemoveExpiredAsync());
        Assert.Empty(server.Requests);
    }
}
