using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ModelContextProtocol.AspNetCore.Authentication;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// The authentication and authorisation of <c>ipybox serve</c>. Up to two kinds of credentials, each an ASP.NET Core scheme:
/// bearer tokens per principal (<see cref="BearerTokenAuthenticationHandler"/>) and OAuth 2.1 access tokens (a JWT bearer
/// scheme per authorization server). A selector scheme hands each request to the one its token belongs to; with OAuth on,
/// refusals are the MCP SDK's challenge pointing to the protected-resource metadata (<see cref="OAuthChallengeHandler"/>).
/// </summary>
internal static class ServeAuthentication
{
    /// <summary>The scheme that picks the scheme of a request.</summary>
    public const string SelectorScheme = "IpyBox";

    /// <summary>The MCP SDK's metadata and challenge scheme.</summary>
    public const string MetadataScheme = McpAuthenticationDefaults.AuthenticationScheme;

    private const string BearerPrefix = "Bearer ";

    private static readonly string[] s_asymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>The name of the JWT scheme of the issuer at <paramref name="index"/> in <see cref="ServeOAuthOptions.Issuers"/>.</summary>
    public static string IssuerScheme(int index) => string.Create(CultureInfo.InvariantCulture, $"OAuth{index}");

    /// <summary>Registers the schemes and the policy every MCP request must meet.</summary>
    /// <param name="services">The service's services.</param>
    /// <param name="options">The service's settings.</param>
    public static void AddServeAuthentication(this IServiceCollection services, ServeOptions options)
    {
        var oauth = options.OAuth;
        var authentication = services
            .AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "ipybox", o =>
            {
                o.ForwardDefaultSelector = context => Select(context, options.Tokens, oauth);
                if (oauth is not null)
                {
                    o.ForwardChallenge = MetadataScheme;
                    o.ForwardForbid = MetadataScheme;
                }
            })
            .AddScheme<BearerTokenAuthenticationOptions, BearerTokenAuthenticationHandler>(BearerTokenAuthenticationOptions.Scheme, o =>
            {
                o.Tokens = options.Tokens;
                o.OpenPrincipal = options.Tokens.Count == 0 && oauth is null ? ServeOptions.OpenPrincipal : null;
            });

        if (oauth is not null)
        {
            for (var i = 0; i < oauth.Issuers.Count; i++)
            {
                var issuer = oauth.Issuers[i];
                authentication.AddJwtBearer(IssuerScheme(i), o => ConfigureIssuer(o, oauth, issuer));
            }

            authentication.AddScheme<McpAuthenticationOptions, OAuthChallengeHandler>(MetadataScheme, McpAuthenticationDefaults.DisplayName, o =>
            {
                o.ForwardAuthenticate = SelectorScheme;
                o.ResourceMetadata = new()
                {
                    Resource = oauth.Audience,
                    AuthorizationServers = [.. oauth.Issuers],
                    ScopesSupported = [.. oauth.RequiredScopes],
                    BearerMethodsSupported = ["header"],
                    ResourceName = "ipybox sandboxes",
                };
            });
        }

        var requiredScopes = oauth?.RequiredScopes ?? [];
        services.AddAuthorizationBuilder().SetDefaultPolicy(new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireAssertion(context => OAuthPrincipal.HasRequiredScopes(context.User, requiredScopes))
            .Build());
    }

    /// <summary>
    /// Picks the scheme of a request: a configured bearer token goes to the token scheme; a JWT to the scheme of its (not yet
    /// verified) issuer, or to the first issuer's, which refuses it; anything else to the token scheme, which refuses it.
    /// </summary>
    private static string Select(HttpContext context, BearerTokens tokens, ServeOAuthOptions? oauth)
    {
        string? header = context.Request.Headers.Authorization;
        if (oauth is null || header is null || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return BearerTokenAuthenticationOptions.Scheme;
        }

        var token = header[BearerPrefix.Length..].Trim();
        if (tokens.Count > 0 && tokens.FindPrincipal(token) is not null)
        {
            return BearerTokenAuthenticationOptions.Scheme;
        }

        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(token))
        {
            return tokens.Count > 0 ? BearerTokenAuthenticationOptions.Scheme : IssuerScheme(0);
        }

        string? issuer;
        try
        {
            issuer = handler.ReadJsonWebToken(token).Issuer?.TrimEnd('/');
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or System.Text.Json.JsonException)
        {
            // Unreadable: the first issuer's scheme refuses it with the reason.
            issuer = null;
        }

        for (var i = 0; i < oauth.Issuers.Count; i++)
        {
            if (string.Equals(oauth.Issuers[i], issuer, StringComparison.Ordinal))
            {
                return IssuerScheme(i);
            }
        }

        return IssuerScheme(0);
    }

    private static void ConfigureIssuer(JwtBearerOptions o, ServeOAuthOptions oauth, string issuer)
    {
        // Claims keep the names the token gives them ("sub", "scope"), not the framework's long URIs.
        o.MapInboundClaims = false;
        o.IncludeErrorDetails = false;
        if (oauth.SigningKeys is null)
        {
            // The issuer's metadata (/.well-known/openid-configuration) names its JWKS; keys are fetched and refreshed from there.
            o.Authority = issuer;
            o.RequireHttpsMetadata = !ServeOAuthOptions.IsLoopback(new Uri(issuer));
        }

        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuers = [issuer, issuer + "/"],
            ValidAudience = oauth.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = oauth.SigningKeys,
            ValidAlgorithms = s_asymmetricAlgorithms,
            ClockSkew = TimeSpan.FromMinutes(1),
            NameClaimType = oauth.PrincipalClaim,
        };
        o.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                var user = OAuthPrincipal.Create(context.Principal!, issuer, oauth.PrincipalClaim, context.Scheme.Name, out var failure);
                if (user is null)
                {
                    context.Fail(failure!);
                }
                else
                {
                    context.Principal = user;
                }

                return Task.CompletedTask;
            },
        };
    }
}
