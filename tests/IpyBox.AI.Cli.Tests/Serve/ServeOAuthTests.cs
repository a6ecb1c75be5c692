using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;

namespace IpyBox.AI.Cli.Tests.Serve;

/// <summary>
/// <c>ipybox serve</c> as an OAuth 2.1 resource server: access tokens the tests sign themselves, keys from the issuers'
/// metadata served on loopback, challenges and protected-resource metadata as the MCP authorization specification has them.
/// </summary>
public sealed partial class ServeOAuthTests(ServeOAuthFixture fixture) : IClassFixture<ServeOAuthFixture>
{
    private const string Scope = ServeOAuthFixture.Scope;

    private ServeProcess Server => fixture.Server;

    private string MetadataUrl => $"{Server.Endpoint.GetLeftPart(UriPartial.Authority)}/.well-known/oauth-protected-resource/mcp";

    [Fact]
    public async Task A_valid_access_token_works_and_its_issuer_and_subject_own_the_sandboxes_it_creates()
    {
        var first = fixture.First;
        await using var alice = await Server.ConnectWithTokenAsync(first.Token("alice", fixture.Audience, Scope));
        var id = await ServeProcess.CreateSandboxAsync(alice);
        await ServeProcess.ExecuteAsync(alice, id, "secret = 'first-alice'");

        // Another subject of the same issuer, the same subject of another issuer, and the bearer-token principal of the same name.
        var others = new Dictionary<string, string>
        {
            ["bob of the first issuer"] = first.Token("bob", fixture.Audience, Scope),
            ["alice of the second issuer"] = fixture.Second.Token("alice", fixture.Audience, Scope),
            ["the bearer-token principal alice"] = ServeProcess.Tokens["alice"],
        };
        var unknown = string.Concat(Enumerable.Repeat("fedcba9876543210", 4));
        foreach (var (who, token) in others)
        {
            await using var other = await Server.ConnectWithTokenAsync(token);
            var theirs = await ServeProcess.CallAsync(other, "execute_ipython_cell", new() { ["sandbox_id"] = id, ["code"] = "print(secret)" });
            var none = await ServeProcess.CallAsync(other, "execute_ipython_cell", new() { ["sandbox_id"] = unknown, ["code"] = "print(secret)" });
            Assert.True(theirs.IsError, who);
            Assert.Equal(ServeProcess.TextOf(none).Replace(unknown, "<id>", StringComparison.Ordinal), ServeProcess.TextOf(theirs).Replace(id, "<id>", StringComparison.Ordinal));
            Assert.Empty(JsonDocument.Parse(ServeProcess.TextOf(await ServeProcess.CallAsync(other, "list_sandboxes"))).RootElement.EnumerateArray());
        }

        // A new token of the same subject is the same principal.
        await using var again = await Server.ConnectWithTokenAsync(first.Token("alice", fixture.Audience, $"openid {Scope}"));
        Assert.Equal("first-alice", (await ServeProcess.ExecuteAsync(again, id, "print(secret)")).Trim());
        Assert.Equal(id, Assert.Single(JsonDocument.Parse(ServeProcess.TextOf(await ServeProcess.CallAsync(again, "list_sandboxes"))).RootElement.EnumerateArray()).GetProperty("id").GetString());

        AssertNotLogged(others.Values);
    }

    [Fact]
    public async Task Refused_access_tokens_get_401_with_a_challenge_that_points_to_the_resource_metadata()
    {
        var first = fixture.First;
        var audience = fixture.Audience;
        using var otherKey = RSA.Create(2048);
        var otherCredentials = new SigningCredentials(new RsaSecurityKey(otherKey) { KeyId = first.Credentials.Key.KeyId }, SecurityAlgorithms.RsaSha256);
        using var hmacKey = new HMACSHA256();
        var refused = new Dictionary<string, string>
        {
            ["expired"] = first.Token("alice", audience, Scope, t => { t.NotBefore = DateTime.UtcNow.AddHours(-2); t.Expires = DateTime.UtcNow.AddHours(-1); }),
            ["not yet valid"] = first.Token("alice", audience, Scope, t => { t.NotBefore = DateTime.UtcNow.AddHours(1); t.Expires = DateTime.UtcNow.AddHours(2); }),
            ["without expiry"] = first.Token("alice", audience, Scope, t => t.Expires = null),
            ["for another resource"] = first.Token("alice", "http://127.0.0.1:1/mcp", Scope),
            ["of an unknown issuer"] = first.Token("alice", audience, Scope, t => t.Issuer = "http://127.0.0.1:1/realms/unknown"),
            ["of the second issuer signed with the first's key"] = first.Token("alice", audience, Scope, t => t.Issuer = fixture.Second.Issuer),
            ["signed with another key under the issuer's key id"] = first.Token("alice", audience, Scope, t => t.SigningCredentials = otherCredentials),
            ["signed with a shared secret"] = first.Token("alice", audience, Scope, t => t.SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(hmacKey.Key), SecurityAlgorithms.HmacSha256)),
            ["unsigned (alg: none)"] = first.Token("alice", audience, Scope, t => t.SigningCredentials = null),
            ["without a subject"] = first.Token(null, audience, Scope),
            ["not a token"] = "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl",
            ["of three parts that are not JSON"] = "bm90IGpzb24.bm90IGpzb24.c2lnbmF0dXJl",
            ["shaped like an encrypted token"] = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn",
            ["with a payload that is cut short"] = "e30." + Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"iss\":")).TrimEnd('=') + ".c2ln",
        };

        using var http = new HttpClient();
        using (var response = await PostToolsListAsync(http, authorization: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var challenge = Challenge(response);
            Assert.Equal(MetadataUrl, challenge["resource_metadata"]);
            Assert.False(challenge.ContainsKey("error"), "A request without a token is not told its token is invalid (RFC 6750).");
        }

        foreach (var (what, token) in refused)
        {
            using var response = await PostToolsListAsync(http, $"Bearer {token}");
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"A token {what}: {(int)response.StatusCode}");
            var challenge = Challenge(response);
            Assert.Equal(MetadataUrl, challenge["resource_metadata"]);
            Assert.Equal("invalid_token", challenge["error"]);
        }

        await Assert.ThrowsAnyAsync<Exception>(async () => await (await Server.ConnectWithTokenAsync(refused["expired"])).ListToolsAsync());

        // Each refused token would have been accepted with the one thing that is wrong with it put right.
        using (var valid = await PostToolsListAsync(http, $"Bearer {first.Token("alice", audience, Scope)}"))
        {
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        }

        AssertNotLogged(refused.Values);
    }

    [Fact]
    public async Task A_token_without_the_required_scope_gets_403_insufficient_scope_naming_the_scope()
    {
        using var http = new HttpClient();
        foreach (var scope in new string?[] { null, "openid profile", "sandboxes:use:extra" })
        {
            var token = fixture.Second.Token("carol", fixture.Audience, scope);
            using var response = await PostToolsListAsync(http, $"Bearer {token}");

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var challenge = Challenge(response);
            Assert.Equal("insufficient_scope", challenge["error"]);
            Assert.Equal(Scope, challenge["scope"]);
            Assert.Equal(MetadataUrl, challenge["resource_metadata"]);
            AssertNotLogged([token]);
        }

        // Entra ID's "scp" claim counts as well as "scope".
        var scp = fixture.Second.Token("carol", fixture.Audience, scope: null, t => t.Claims["scp"] = Scope);
        using var allowed = await PostToolsListAsync(http, $"Bearer {scp}");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task The_protected_resource_metadata_names_the_resource_its_authorization_servers_and_scopes()
    {
        using var http = new HttpClient();

        // A client finds the document the way the specification has it: from the challenge of an unauthenticated request.
        using var refused = await PostToolsListAsync(http, authorization: null);
        var url = Challenge(refused)["resource_metadata"];
        using var metadata = JsonDocument.Parse(await http.GetStringAsync(url));
        var root = metadata.RootElement;

        Assert.Equal(fixture.Audience, root.GetProperty("resource").GetString());
        Assert.Equal([fixture.First.Issuer, fixture.Second.Issuer], root.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([Scope], root.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["header"], root.GetProperty("bearer_methods_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task With_a_keys_file_and_an_explicit_audience_tokens_are_checked_without_asking_the_issuer()
    {
        const string Audience = "https://sandboxes.example.test/mcp";
        using var directory = new TempDirectory("ipybox-serve-jwks-");
        var keys = directory.Combine("keys.json");
        string issuer, valid, forDefaultAudience, otherKey;
        using (var offline = TestIssuer.Start("offline"))
        {
            await File.WriteAllTextAsync(keys, offline.Jwks);
            issuer = offline.Issuer;
            valid = offline.Token("dana", Audience, scope: null);
            forDefaultAudience = offline.Token("dana", fixture.Audience, scope: null);
            using var rsa = RSA.Create(2048);
            otherKey = offline.Token("dana", Audience, scope: null, t => t.SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = offline.Credentials.Key.KeyId }, SecurityAlgorithms.RsaSha256));
        }

        // The issuer no longer answers: its keys can come from the file only.
        await using var server = await ServeProcess.StartAsync(fixture.RunId, withTokens: false, "--oauth-issuer", issuer, "--oauth-audience", Audience, "--oauth-jwks-file", keys);
        using var http = new HttpClient();

        using (var accepted = await PostToolsListAsync(http, server.Endpoint, $"Bearer {valid}"))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        foreach (var token in new[] { forDefaultAudience, otherKey })
        {
            using var refused = await PostToolsListAsync(http, server.Endpoint, $"Bearer {token}");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var metadata = JsonDocument.Parse(await http.GetStringAsync(new Uri(server.Endpoint, "/.well-known/oauth-protected-resource/mcp")));
        Assert.Equal(Audience, metadata.RootElement.GetProperty("resource").GetString());
        Assert.False(metadata.RootElement.TryGetProperty("scopes_supported", out var scopes) && scopes.GetArrayLength() > 0);
    }

    [Theory]
    [InlineData("--oauth-issuer http://login.example.com/realms/main", "must use https")]
    [InlineData("--oauth-issuer https://login.example.com/realms/main --urls http://0.0.0.0:1", "--oauth-audience is needed")]
    [InlineData("--oauth-issuer https://login.example.com/realms/main --oauth-scope a\"b", "is not a scope")]
    [InlineData("--oauth-audience https://sandboxes.example.com/mcp", "need --oauth-issuer")]
    public async Task Invalid_oauth_settings_are_refused_at_start(string arguments, string expected)
    {
        var result = await IpyBoxTool.RunAsync(["serve", .. arguments.Split(' ')], deadline: TimeSpan.FromMinutes(1));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostToolsListAsync(HttpClient http, string? authorization) => PostToolsListAsync(http, Server.Endpoint, authorization);

    private static async Task<HttpResponseMessage> PostToolsListAsync(HttpClient http, Uri endpoint, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await http.SendAsync(request);
    }

    private static Dictionary<string, string> Challenge(HttpResponseMessage response)
    {
        var header = Assert.Single(response.Headers.GetValues("WWW-Authenticate"));
        Assert.StartsWith("Bearer ", header, StringComparison.Ordinal);
        return ChallengeParameter().Matches(header).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
    }

    private void AssertNotLogged(IEnumerable<string> tokens)
    {
        var log = Server.Stderr;
        foreach (var token in tokens)
        {
            // The signature is what makes a token; its other parts are public.
            var signature = token.Split('.')[^1];
            Assert.DoesNotContain(signature.Length > 0 ? signature : token, log, StringComparison.Ordinal);
            Assert.DoesNotContain(token, log, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("""([a-z_]+)="([^"]*)"?""")]
    private static partial Regex ChallengeParameter();
}
