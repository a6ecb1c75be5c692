using System.Net;
using System.Text.Json;

namespace IpyBox.AI.Cli.Tests.Serve;

/// <summary>Who may use <c>ipybox serve</c> and which sandboxes: bearer tokens per principal, ids bound to their creator.</summary>
public sealed class ServeAuthorizationTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => ServeProcess.RemoveSandboxesAsync(_runId);

    [Fact]
    public async Task Another_principals_sandbox_answers_exactly_like_an_unknown_id()
    {
        await using var server = await ServeProcess.StartAsync(_runId);
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");
        var id = await ServeProcess.CreateSandboxAsync(alice);
        await ServeProcess.ExecuteAsync(alice, id, "secret = 'alice'");
        var unknown = string.Concat(Enumerable.Repeat("0123456789abcdef", 4));

        foreach (var (tool, arguments) in new (string, Dictionary<string, object?>)[]
        {
            ("execute_ipython_cell", new() { ["code"] = "print(secret)" }),
            ("download_file", new() { ["path"] = "x.txt" }),
            ("list_files", new()),
            ("reset", new()),
            ("pause_sandbox", new()),
            ("delete_sandbox", new()),
        })
        {
            var theirs = await ServeProcess.CallAsync(bob, tool, new(arguments) { ["sandbox_id"] = id });
            var none = await ServeProcess.CallAsync(bob, tool, new(arguments) { ["sandbox_id"] = unknown });
            Assert.True(theirs.IsError, tool);
            Assert.True(none.IsError, tool);
            Assert.Equal(ServeProcess.TextOf(none).Replace(unknown, "<id>", StringComparison.Ordinal), ServeProcess.TextOf(theirs).Replace(id, "<id>", StringComparison.Ordinal));
            Assert.Contains("no sandbox has the id", ServeProcess.TextOf(theirs), StringComparison.Ordinal);
        }

        // A prefix is not an id, not even for its owner.
        var prefix = await ServeProcess.CallAsync(alice, "execute_ipython_cell", new() { ["sandbox_id"] = id[..12], ["code"] = "print(1)" });
        Assert.True(prefix.IsError);

        Assert.Empty(JsonDocument.Parse(ServeProcess.TextOf(await ServeProcess.CallAsync(bob, "list_sandboxes"))).RootElement.EnumerateArray());
        Assert.Equal("alice", (await ServeProcess.ExecuteAsync(alice, id, "print(secret)")).Trim());
        Assert.Single(JsonDocument.Parse(ServeProcess.TextOf(await ServeProcess.CallAsync(alice, "list_sandboxes"))).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task Missing_and_wrong_tokens_are_refused_with_401_and_a_bearer_challenge()
    {
        await using var server = await ServeProcess.StartAsync(_runId);
        using var http = new HttpClient();

        foreach (var authorization in new string?[] { null, "Bearer not-a-token-of-anyone-here", $"Bearer {ServeProcess.Tokens["alice"]}x", $"Basic {ServeProcess.Tokens["alice"]}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint)
            {
                Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Accept.ParseAdd("application/json, text/event-stream");
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }

        await Assert.ThrowsAnyAsync<Exception>(async () => await (await server.ConnectWithTokenAsync("wrong-token-0123456789")).ListToolsAsync());
        Assert.DoesNotContain(ServeProcess.Tokens["alice"], server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_tokens_a_loopback_service_serves_every_client_as_the_principal_local()
    {
        await using var server = await ServeProcess.StartAsync(_runId, withTokens: false);
        await using var first = await server.ConnectWithTokenAsync(null);
        await using var second = await server.ConnectWithTokenAsync("anything-at-all-is-ignored");

        var id = await ServeProcess.CreateSandboxAsync(first);
        await ServeProcess.ExecuteAsync(first, id, "x = 5");

        Assert.Equal("5", (await ServeProcess.ExecuteAsync(second, id, "print(x)")).Trim());
        Assert.Contains("without tokens: every loopback client is the principal 'local'", server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_loopback_address_without_tokens_is_refused_at_start()
    {
        var result = await IpyBoxTool.RunAsync(["serve", "--urls", "http://0.0.0.0:1"], deadline: TimeSpan.FromMinutes(1));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refusing to listen on http://0.0.0.0:1 without authentication", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--tokens-file", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_kept_in_memory_is_refused_at_start()
    {
        var result = await IpyBoxTool.RunAsync(["serve", "--app-size", "64m"], deadline: TimeSpan.FromMinutes(1));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--app-size cannot be used with serve", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_tokens_file_is_refused_at_start_without_showing_the_token()
    {
        using var directory = new TempDirectory("ipybox-serve-tokens-");
        var file = directory.Combine("tokens");
        await File.WriteAllTextAsync(file, "# principals\nalice: short-secret\n");

        var result = await IpyBoxTool.RunAsync(["serve", "--tokens-file", file], deadline: TimeSpan.FromMinutes(1));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("line 2", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("at least 16 characters", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", result.Stderr, StringComparison.Ordinal);
    }
}
