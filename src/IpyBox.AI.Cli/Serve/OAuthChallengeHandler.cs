using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol.AspNetCore.Authentication;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// The MCP SDK's handler of the protected-resource metadata (<c>/.well-known/oauth-protected-resource/mcp</c>) and of the
/// challenge that points to it, with the RFC 6750 error codes the SDK leaves out: a refused token gets
/// <c>error="invalid_token"</c> in its 401, and a token without the required scopes gets 403 with
/// <c>error="insufficient_scope"</c> and the scopes to ask for, as the MCP authorization specification's step-up flow expects.
/// </summary>
internal sealed class OAuthChallengeHandler(IOptionsMonitor<McpAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : McpAuthenticationHandler(options, logger, encoder)
{
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await base.HandleChallengeAsync(properties).ConfigureAwait(false);
        AmendChallenge(Request.Headers.Authorization.Count > 0 ? "invalid_token" : null);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        // The SDK's challenge writes the header that names the metadata document; the status is then the one of a scope refusal.
        await base.HandleChallengeAsync(properties).ConfigureAwait(false);
        Response.StatusCode = StatusCodes.Status403Forbidden;
        AmendChallenge("insufficient_scope");
    }

    private void AmendChallenge(string? error)
    {
        var challenges = Response.Headers[HeaderNames.WWWAuthenticate].ToArray();
        if (challenges.Length == 0)
        {
            return;
        }

        var last = challenges[^1];
        if (error is not null)
        {
            last += $", error=\"{error}\"";
        }

        // Scopes were checked at start to hold no space, quote or backslash, so they can stand in a quoted string as they are.
        if (Options.ResourceMetadata?.ScopesSupported is { Count: > 0 } scopes)
        {
            last += $", scope=\"{string.Join(' ', scopes)}\"";
        }

        challenges[^1] = last;
        Response.Headers[HeaderNames.WWWAuthenticate] = challenges;
    }
}
