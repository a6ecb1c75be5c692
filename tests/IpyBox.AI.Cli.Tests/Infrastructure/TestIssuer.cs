using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IpyBox.AI.Cli.Tests;

/// <summary>
/// An OAuth authorization server as far as a resource server sees one: its metadata
/// (<c>/.well-known/openid-configuration</c>) and its JWKS served from a loopback <see cref="HttpListener"/>, and access tokens
/// it signs with its own key (RSA or EC). The issuer URL has a path, as Keycloak's realms and Entra ID's tenants do.
/// </summary>
public sealed class TestIssuer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly AsymmetricAlgorithm _algorithm;
    private readonly Task _serving;

    private TestIssuer(string name, bool elliptic)
    {
        var port = LoopbackPort.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        Issuer = $"http://127.0.0.1:{port}/realms/{name}";
        if (elliptic)
        {
            var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            _algorithm = ec;
            Credentials = new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = $"{name}-key" }, SecurityAlgorithms.EcdsaSha256);
        }
        else
        {
            var rsa = RSA.Create(2048);
            _algorithm = rsa;
            Credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = $"{name}-key" }, SecurityAlgorithms.RsaSha256);
        }

        _serving = Task.Run(ServeAsync);
    }

    /// <summary>Gets the issuer identifier, <c>http://127.0.0.1:PORT/realms/NAME</c>.</summary>
    public string Issuer { get; }

    /// <summary>Gets the key and algorithm the issuer signs with.</summary>
    public SigningCredentials Credentials { get; }

    /// <summary>Gets the issuer's JSON Web Key Set: its public key.</summary>
    public string Jwks => JsonSerializer.Serialize(new { keys = new[] { PublicJwk() } });

    /// <summary>Starts an issuer that signs with RSA (RS256), or with EC (ES256) when <paramref name="elliptic"/> is set.</summary>
    public static TestIssuer Start(string name, bool elliptic = false) => new(name, elliptic);

    /// <summary>Signs an access token for <paramref name="subject"/>, valid for ten minutes from a minute ago.</summary>
    /// <param name="subject">The <c>sub</c> claim, or <see langword="null"/> for none.</param>
    /// <param name="audience">The <c>aud</c> claim.</param>
    /// <param name="scope">The <c>scope</c> claim, or <see langword="null"/> for none.</param>
    /// <param name="adjust">Changes to the token before it is signed (times, issuer, key; no key makes an unsigned <c>alg: none</c> token).</param>
    public string Token(string? subject, string audience, string? scope, Action<SecurityTokenDescriptor>? adjust = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString("N") };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddMinutes(10),
            Claims = claims,
            SigningCredentials = Credentials,
        };
        adjust?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _algorithm.Dispose();
        try
        {
            _serving.GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (await LoopbackListener.NextAsync(_listener) is { } context)
        {
            var path = context.Request.Url!.AbsolutePath;
            var prefix = new Uri(Issuer).AbsolutePath;
            string? body = path == $"{prefix}/.well-known/openid-configuration"
                ? JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["issuer"] = Issuer,
                    ["jwks_uri"] = $"{Issuer}/jwks",
                    ["authorization_endpoint"] = $"{Issuer}/authorize",
                    ["token_endpoint"] = $"{Issuer}/token",
                    ["response_types_supported"] = new[] { "code" },
                    ["id_token_signing_alg_values_supported"] = new[] { Credentials.Algorithm },
                })
                : path == $"{prefix}/jwks" ? Jwks : null;

            context.Response.StatusCode = body is null ? 404 : 200;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body ?? "{}");
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private Dictionary<string, string> PublicJwk()
    {
        var kid = Credentials.Key.KeyId;
        if (_algorithm is ECDsa ec)
        {
            var p = ec.ExportParameters(includePrivateParameters: false);
            return new() { ["kty"] = "EC", ["use"] = "sig", ["kid"] = kid, ["alg"] = Credentials.Algorithm, ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(p.Q.X!), ["y"] = Base64UrlEncoder.Encode(p.Q.Y!) };
        }

        var r = ((RSA)_algorithm).ExportParameters(includePrivateParameters: false);
        return new() { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = kid, ["alg"] = Credentials.Algorithm, ["n"] = Base64UrlEncoder.Encode(r.Modulus!), ["e"] = Base64UrlEncoder.Encode(r.Exponent!) };
    }
}
