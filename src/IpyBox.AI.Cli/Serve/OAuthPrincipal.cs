using System.Security.Claims;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// Turns a validated access token into the service's user: the principal is <c>ISSUER#VALUE</c>, the value of the configured
/// claim (<c>sub</c> by default) qualified by the issuer, so two authorization servers' subjects never meet and no OAuth
/// principal can be a bearer-token principal (whose names have no <c>#</c>). The user carries only what the service reads:
/// the principal, the issuer and the granted scopes; other claims of the token are dropped, so none can pose as them.
/// </summary>
internal static class OAuthPrincipal
{
    /// <summary>The claim that marks a user authenticated by an OAuth access token, with the issuer as its value.</summary>
    public const string IssuerClaim = "ipybox.oauth.issuer";

    /// <summary>The claim of one granted scope.</summary>
    public const string ScopeClaim = "ipybox.oauth.scope";

    /// <summary>The longest claim value accepted as a principal.</summary>
    public const int MaxValueLength = 256;

    /// <summary>Builds the service's user from a validated token's claims.</summary>
    /// <param name="token">The claims of the validated token.</param>
    /// <param name="issuer">The configured issuer the token was validated against.</param>
    /// <param name="principalClaim">The claim that names the principal.</param>
    /// <param name="scheme">The authentication scheme's name.</param>
    /// <param name="failure">Why the token names no principal, when it does not.</param>
    /// <returns>The user, or <see langword="null"/> with <paramref name="failure"/> when the token does not name a principal.</returns>
    public static ClaimsPrincipal? Create(ClaimsPrincipal token, string issuer, string principalClaim, string scheme, out string? failure)
    {
        var values = token.FindAll(principalClaim).Select(c => c.Value).ToList();
        if (values is not [var value] || value.Length is 0 or > MaxValueLength || value.Any(char.IsControl))
        {
            failure = $"The token's '{principalClaim}' claim must be one string of 1 to {MaxValueLength} characters to name a principal.";
            return null;
        }

        var principal = $"{issuer}#{value}";
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, principal),
            new(ClaimTypes.Name, principal),
            new(IssuerClaim, issuer),
        };

        // RFC 9068 and most servers write "scope" as one space-separated string; Entra ID writes "scp".
        foreach (var scope in token.FindAll("scope").Concat(token.FindAll("scp")).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal))
        {
            claims.Add(new Claim(ScopeClaim, scope));
        }

        failure = null;
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Tells whether <paramref name="user"/> may use the service: any bearer-token user, or an OAuth user granted every required scope.</summary>
    /// <param name="user">The authenticated user.</param>
    /// <param name="requiredScopes">The scopes an OAuth user must have.</param>
    public static bool HasRequiredScopes(ClaimsPrincipal user, IReadOnlyList<string> requiredScopes)
    {
        if (!user.HasClaim(c => c.Type == IssuerClaim))
        {
            return true;
        }

        var granted = user.FindAll(ScopeClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return requiredScopes.All(granted.Contains);
    }
}
