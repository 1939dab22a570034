using System.Security.Cryptography;
using System.Text;

namespace SeQuIn.Api.Families;

/// <summary>
/// A unit's share code: ten characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as XXXXX-XXXXX.
/// 31^10 ≈ 8 × 10^14 codes (49 bits): at the few wrong guesses an address is allowed each hour, finding one of even
/// thousands of live codes takes longer than any unit exists. Pure: no ASP.NET, no EF.
/// </summary>
public static class ShareCodes
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int Length = 10;

    /// <summary>The longest text worth reading as a code: its characters, dashes and spaces between groups.</summary>
    public const int MaxInputLength = 20;

    public static string Generate()
    {
        Span<char> code = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            code[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        return new string(code);
    }

    /// <summary>The code as people read it: two groups of five.</summary>
    public static string Format(string canonical) => $"{canonical[..5]}-{canonical[5..]}";

    /// <summary>
    /// The ten characters of what someone typed, upper-cased, dashes and spaces dropped; null when it cannot be a code
    /// (wrong length, a character outside the alphabet). Typed look-alikes are not mapped: they are never issued.
    /// </summary>
    public static string? Normalise(string? typed)
    {
        if (typed is null || typed.Length > MaxInputLength)
        {
            return null;
        }
        var code = new StringBuilder(Length);
        foreach (var c in typed)
        {
            if (c is '-' or ' ')
            {
                continue;
            }
            var upper = char.ToUpperInvariant(c);
            if (Alphabet.IndexOf(upper) < 0 || code.Length == Length)
            {
                return null;
            }
            code.Append(upper);
        }
        return code.Length == Length ? code.ToString() : null;
    }

    /// <summary>
    /// SHA-256 of the canonical code. No salt or slow hash is needed for a random 49-bit code whose guesses online
    /// are rate-limited; whoever could read the table offline could read the published results it unlocks anyway.
    /// </summary>
    public static string Hash(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(canonical)));

    public static string HintOf(string canonical) => canonical[..2];
}
