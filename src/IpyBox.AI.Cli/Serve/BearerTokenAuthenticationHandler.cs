using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// Authenticates a request by its <c>Authorization: Bearer</c> token against <see cref="BearerTokens"/>; the principal's name
/// becomes the user's <see cref="ClaimTypes.NameIdentifier"/>. A missing or wrong token is challenged with 401 and
/// <c>WWW-Authenticate: Bearer</c>. An ASP.NET Core scheme, so that a JWT (OAuth resource-server) scheme can sit beside it.
/// </summary>
internal sealed class BearerTokenAuthenticationHandler(
    IOptionsMonitor<BearerTokenAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<BearerTokenAuthenticationOptions>(options, logger, encoder)
{
    private const string Prefix = "Bearer ";

    /// <summary>Creates the user of a principal.</summary>
    public static ClaimsPrincipal User(string principal, string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, principal), new Claim(ClaimTypes.Name, principal)], scheme));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Options.OpenPrincipal is { } open)
        {
            return Task.FromResult(Success(open));
        }

        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var token = header[Prefix.Length..].Trim();
        return Task.FromResult(Options.Tokens.FindPrincipal(token) is { } principal
            ? Success(principal)
            : AuthenticateResult.Fail("The bearer token is not valid."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var wrongToken = Request.Headers.Authorization.Count > 0;
        Response.Headers[HeaderNames.WWWAuthenticate] = wrongToken
            ? "Bearer realm=\"ipybox\", error=\"invalid_token\""
            : "Bearer realm=\"ipybox\"";
        return Task.CompletedTask;
    }

    private AuthenticateResult Success(string principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(User(principal, Scheme.Name), Scheme.Name));
}
