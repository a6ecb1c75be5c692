using System.Security.Claims;
using IpyBox.AI.Cli.Serve;

namespace IpyBox.AI.Cli.Tests.Unit;

/// <summary>The OAuth settings of <c>ipybox serve</c> and the user it makes of a validated token, without a server.</summary>
public sealed class ServeOAuthConfigurationTests
{
    private const string Issuer = "https://login.example.com/realms/main";

    [Fact]
    public void The_audience_defaults_to_the_first_listen_address_with_mcp_and_issuers_lose_a_trailing_slash()
    {
        var options = Create([Issuer + "/", "http://127.0.0.1:9000/realms/local"], urls: ["http://127.0.0.1:8765", "http://[::1]:8765"])!;

        Assert.Equal("http://127.0.0.1:8765/mcp", options.Audience);
        Assert.Equal([Issuer, "http://127.0.0.1:9000/realms/local"], options.Issuers);
        Assert.Equal(ServeOAuthOptions.DefaultPrincipalClaim, options.PrincipalClaim);
        Assert.Null(options.SigningKeys);
        Assert.Null(Create([], urls: ["http://127.0.0.1:8765"]));
    }

    [Theory]
    [InlineData(Issuer, Issuer, "given twice")]
    [InlineData("login.example.com", null, "must be the authorization server's issuer URL")]
    [InlineData("https://login.example.com/?tenant=1", null, "no query or fragment")]
    [InlineData("http://10.0.0.5/realms/main", null, "must use https")]
    public void Invalid_issuers_are_refused(string issuer, string? second, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Create(second is null ? [issuer] : [issuer, second], urls: ["http://127.0.0.1:8765"]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_keys_file_without_a_signing_key_is_refused()
    {
        using var directory = new TempDirectory("ipybox-oauth-keys-");
        var file = directory.Combine("keys.json");
        File.WriteAllText(file, """{"keys": []}""");

        var error = Assert.Throws<ArgumentException>(() => ServeOAuthOptions.Create([Issuer], null, [], null, new FileInfo(file), ["http://127.0.0.1:8765"]));

        Assert.Contains("has no signing key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_user_of_a_token_is_issuer_and_subject_and_carries_none_of_the_tokens_other_claims()
    {
        // A token may carry any claim, including the ones the service reads its user by: none of them may pose as the principal.
        var token = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim("sub", "alice"),
            new Claim(ClaimTypes.NameIdentifier, "bob"),
            new Claim(OAuthPrincipal.ScopeClaim, "admin"),
            new Claim("scope", "openid sandboxes:use"),
            new Claim("scp", "files.read"),
        ]));

        var user = OAuthPrincipal.Create(token, Issuer, "sub", "OAuth0", out var failure);

        Assert.Null(failure);
        Assert.NotNull(user);
        Assert.Equal($"{Issuer}#alice", Assert.Single(user.FindAll(ClaimTypes.NameIdentifier)).Value);
        Assert.Equal(["openid", "sandboxes:use", "files.read"], user.FindAll(OAuthPrincipal.ScopeClaim).Select(c => c.Value));
        Assert.True(OAuthPrincipal.HasRequiredScopes(user, ["sandboxes:use", "files.read"]));
        Assert.False(OAuthPrincipal.HasRequiredScopes(user, ["admin"]));
        Assert.True(OAuthPrincipal.HasRequiredScopes(BearerTokenAuthenticationHandler.User("alice", "tokens"), ["admin"]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("alice|bob")]
    [InlineData("")]
    [InlineData("ali\nce")]
    public void A_token_whose_principal_claim_is_not_one_plain_string_is_refused(string? joined)
    {
        // null: no claim; '|' separates repeated claims.
        var values = joined is null ? [] : joined.Split('|');
        var token = new ClaimsPrincipal(new ClaimsIdentity(values.Select(v => new Claim("oid", v))));

        Assert.Null(OAuthPrincipal.Create(token, Issuer, "oid", "OAuth0", out var failure));
        Assert.Contains("'oid' claim", failure, StringComparison.Ordinal);
    }

    private static ServeOAuthOptions? Create(string[] issuers, string[] urls) =>
        ServeOAuthOptions.Create(issuers, null, [], null, null, urls);
}
