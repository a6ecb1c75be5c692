using Microsoft.AspNetCore.Authentication;

namespace IpyBox.AI.Cli.Serve;

/// <summary>The settings of <see cref="BearerTokenAuthenticationHandler"/>.</summary>
internal sealed class BearerTokenAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The scheme's name.</summary>
    public const string Scheme = "IpyBoxBearerToken";

    /// <summary>Gets or sets the tokens, one per principal.</summary>
    public BearerTokens Tokens { get; set; } = BearerTokens.None;

    /// <summary>
    /// Gets or sets the principal every request is given when no token is configured (the service then listens on loopback
    /// only), or <see langword="null"/> to require a token on every request.
    /// </summary>
    public string? OpenPrincipal { get; set; }
}
