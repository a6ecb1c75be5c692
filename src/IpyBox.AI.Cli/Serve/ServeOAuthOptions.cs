using System.Net;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// The OAuth 2.1 resource-server settings of <c>ipybox serve</c>: which authorization servers issue the access tokens it
/// accepts (JWTs), the audience they must carry, the scopes they must grant and the claim that names the principal.
/// </summary>
internal sealed partial class ServeOAuthOptions
{
    /// <summary>The claim that names the principal unless <see cref="PrincipalClaim"/> says otherwise.</summary>
    public const string DefaultPrincipalClaim = "sub";

    /// <summary>The path of the MCP endpoint, the default audience's path.</summary>
    public const string EndpointPath = "/mcp";

    /// <summary>The longest issuer accepted: the principal (issuer and subject) must fit a sandbox's metadata value.</summary>
    public const int MaxIssuerLength = 512;

    /// <summary>Gets the authorization servers' issuer identifiers, each an absolute URL (https unless loopback).</summary>
    public required IReadOnlyList<string> Issuers { get; init; }

    /// <summary>Gets the audience a token must carry: this resource's canonical URL (RFC 8707 resource indicator).</summary>
    public required string Audience { get; init; }

    /// <summary>Gets the scopes a token must grant, every one of them; empty when any scope will do.</summary>
    public IReadOnlyList<string> RequiredScopes { get; init; } = [];

    /// <summary>Gets the claim whose value, qualified by the issuer, names the principal.</summary>
    /// <value>The default value is <see cref="DefaultPrincipalClaim"/>.</value>
    public string PrincipalClaim { get; init; } = DefaultPrincipalClaim;

    /// <summary>
    /// Gets the signing keys from a JWKS file, for every issuer, or <see langword="null"/> to read each issuer's keys from its
    /// metadata (<c>/.well-known/openid-configuration</c> and its <c>jwks_uri</c>).
    /// </summary>
    public IReadOnlyList<SecurityKey>? SigningKeys { get; init; }

    /// <summary>Builds the settings from the command line's values, checking each.</summary>
    /// <param name="issuers">The <c>--oauth-issuer</c> values; none means OAuth is off.</param>
    /// <param name="audience">The <c>--oauth-audience</c> value, or <see langword="null"/> for the first listen address's <c>/mcp</c>.</param>
    /// <param name="scopes">The <c>--oauth-scope</c> values.</param>
    /// <param name="principalClaim">The <c>--oauth-principal-claim</c> value.</param>
    /// <param name="keysFile">The <c>--oauth-jwks-file</c> value.</param>
    /// <param name="urls">The listen addresses.</param>
    /// <returns>The settings, or <see langword="null"/> when no issuer is given.</returns>
    /// <exception cref="ArgumentException">A value is invalid, or an OAuth option is given without an issuer.</exception>
    /// <exception cref="IOException">The keys file cannot be read.</exception>
    public static ServeOAuthOptions? Create(
        IReadOnlyList<string> issuers, string? audience, IReadOnlyList<string> scopes, string? principalClaim, FileInfo? keysFile, IReadOnlyList<string> urls)
    {
        if (issuers.Count == 0)
        {
            if (audience is not null || scopes.Count > 0 || principalClaim is not null || keysFile is not null)
            {
                throw new ArgumentException("--oauth-audience, --oauth-scope, --oauth-principal-claim and --oauth-jwks-file need --oauth-issuer, the authorization server whose tokens to accept.");
            }

            return null;
        }

        var normalizedIssuers = new List<string>();
        foreach (var issuer in issuers)
        {
            var checkedIssuer = CheckIssuer(issuer);
            if (normalizedIssuers.Contains(checkedIssuer, StringComparer.Ordinal))
            {
                throw new ArgumentException($"--oauth-issuer '{issuer}' is given twice.");
            }

            normalizedIssuers.Add(checkedIssuer);
        }

        foreach (var scope in scopes)
        {
            if (!ScopeToken().IsMatch(scope))
            {
                throw new ArgumentException($"--oauth-scope '{scope}' is not a scope: one word of printable characters without spaces, '\"' or '\\' (RFC 6749), e.g. mcp:tools.");
            }
        }

        var claim = principalClaim ?? DefaultPrincipalClaim;
        if (!ClaimName().IsMatch(claim))
        {
            throw new ArgumentException($"--oauth-principal-claim '{claim}' must be a claim name of 1 to 64 letters, digits, '_', '-', '.' or ':', e.g. sub or oid.");
        }

        return new ServeOAuthOptions
        {
            Issuers = normalizedIssuers,
            Audience = audience is null ? DefaultAudience(urls) : CheckAudience(audience),
            RequiredScopes = [.. scopes.Distinct(StringComparer.Ordinal)],
            PrincipalClaim = claim,
            SigningKeys = keysFile is null ? null : ReadKeys(keysFile),
        };
    }

    /// <summary>Tells whether <paramref name="url"/> names a loopback host, where plain http is allowed for an issuer.</summary>
    public static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static string CheckIssuer(string issuer)
    {
        if (issuer.Length > MaxIssuerLength
            || !Uri.TryCreate(issuer, UriKind.Absolute, out var url)
            || url.Scheme is not ("https" or "http")
            || url.Query.Length > 0
            || url.Fragment.Length > 0
            || url.UserInfo.Length > 0)
        {
            throw new ArgumentException($"--oauth-issuer '{issuer}' must be the authorization server's issuer URL (at most {MaxIssuerLength} characters, no query or fragment), e.g. https://login.example.com/realms/main.");
        }

        if (url.Scheme == "http" && !IsLoopback(url))
        {
            throw new ArgumentException($"--oauth-issuer '{issuer}' must use https: its keys decide who may run code here. Plain http is accepted on loopback only.");
        }

        // Tokens carry the issuer exactly as the authorization server writes it; only a trailing slash is forgiven.
        return issuer.TrimEnd('/');
    }

    private static string CheckAudience(string audience)
    {
        if (!Uri.TryCreate(audience, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.Fragment.Length > 0)
        {
            throw new ArgumentException($"--oauth-audience '{audience}' must be the absolute URL clients use to reach this service's MCP endpoint, e.g. https://sandboxes.example.com/mcp.");
        }

        return audience;
    }

    private static string DefaultAudience(IReadOnlyList<string> urls)
    {
        var first = urls[0];
        if (!Uri.TryCreate(first, UriKind.Absolute, out var url) || url.Host is "0.0.0.0" or "[::]" or "::")
        {
            throw new ArgumentException(
                $"--oauth-audience is needed: the listen address {first} does not say which URL clients reach the service by. " +
                "Give that URL, e.g. --oauth-audience https://sandboxes.example.com/mcp.");
        }

        return $"{url.Scheme}://{url.Authority}{EndpointPath}";
    }

    private static IReadOnlyList<SecurityKey> ReadKeys(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"The keys file '{file.FullName}' does not exist; fix --oauth-jwks-file.", file.FullName);
        }

        IList<SecurityKey> keys;
        try
        {
            keys = new JsonWebKeySet(File.ReadAllText(file.FullName)).GetSigningKeys();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"--oauth-jwks-file '{file.FullName}' is not a JSON Web Key Set ({{\"keys\": [...]}}): {ex.Message}");
        }

        return keys.Count > 0
            ? [.. keys]
            : throw new ArgumentException($"--oauth-jwks-file '{file.FullName}' has no signing key (public RSA or EC keys with use 'sig' or no use).");
    }

    [GeneratedRegex(@"^[\x21\x23-\x5B\x5D-\x7E]{1,128}$")]
    private static partial Regex ScopeToken();

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex ClaimName();
}
