using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SeQuIn.Api.Tests.Infrastructure;

/// <summary>An OpenID Connect provider in miniature: a signing key, its JWKS, and tokens good and bad.</summary>
public static class TestIdentityProvider
{
    public const string Issuer = "https://idp.test/realms/sequin";
    public const string Audience = "sequin-api";

    private static readonly RsaSecurityKey SigningKey = NewKey("test-key-1");
    private static readonly RsaSecurityKey UnknownKey = NewKey("unknown-key");

    /// <summary>The public half of the signing key, as the service is configured with it.</summary>
    public static string Jwks { get; } = JsonSerializer.Serialize(new
    {
        keys = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(SigningKey.Rsa.ExportParameters(false)) { KeyId = SigningKey.KeyId }) }
            .Select(k => new { kty = k.Kty, kid = k.Kid, use = "sig", alg = "RS256", n = k.N, e = k.E }),
    });

    public static string Token(string subject, string issuer = Issuer, string audience = Audience, DateTime? expires = null,
        DateTime? notBefore = null, bool signWithUnknownKey = false, IDictionary<string, object>? extraClaims = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            IssuedAt = (notBefore ?? now).AddMinutes(-1) < now ? (notBefore ?? now.AddMinutes(-1)) : now,
            Expires = expires ?? now.AddMinutes(10),
            Claims = extraClaims,
            SigningCredentials = new SigningCredentials(signWithUnknownKey ? UnknownKey : SigningKey, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token that claims "alg": "none" and carries no signature.</summary>
    public static string UnsignedToken(string subject)
    {
        static string Segment(object value) =>
            Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"{Segment(new { alg = "none", typ = "JWT" })}.{Segment(new { iss = Issuer, aud = Audience, sub = subject, nbf = now - 60, exp = now + 600 })}.";
    }

    /// <summary>A good token whose payload was changed after signing.</summary>
    public static string TamperedToken(string subject)
    {
        var parts = Token(subject).Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(parts[1]))!;
        payload["sub"] = subject + "-someone-else";
        return $"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload))}.{parts[2]}";
    }

    private static RsaSecurityKey NewKey(string id) => new(RSA.Create(2048)) { KeyId = id };
}
