using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace SeQuIn.Api.Access;

/// <summary>
/// API keys look like <c>sqn_k_3f9c2a7d1e4b_&lt;43 characters&gt;</c>: a fixed prefix that secret scanners can look
/// for, a public key id to find the key, and 256 random bits. Pure: no I/O.
/// </summary>
public static partial class ApiKeyFormat
{
    public const string Prefix = "sqn_k_";

    public sealed record NewKey(string KeyId, string Secret, string Token, byte[] SecretHash);

    public static NewKey Generate()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return new NewKey(keyId, secret, $"{Prefix}{keyId}_{secret}", Hash(secret));
    }

    public static bool TryParse(string token, out string keyId, out string secret)
    {
        var match = Shape().Match(token);
        keyId = match.Success ? match.Groups[1].Value : "";
        secret = match.Success ? match.Groups[2].Value : "";
        return match.Success;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.ASCII.GetBytes(secret));

    public static bool Matches(string secret, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), expectedHash);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^sqn_k_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$", RegexOptions.NonBacktracking)]
    private static partial Regex Shape();
}
