using System.Security.Cryptography;
using System.Text;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Families;

/// <summary>
/// A unit's share code: ten characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as XXXXX-XXXXX.
/// 31^10 ≈ 8 × 10^14 codes (49 bits): at the few wrong guesses an address is allowed each hour, finding one of even
/// thousands of live codes takes longer than any unit exists. Pure: no ASP.NET, no EF.
/// </summary>
public static class ShareCodes
{
    public const int Length = 10;

    /// <summary>The longest text worth reading as a code: its characters, dashes and spaces between groups.</summary>
    public const int MaxInputLength = 20;

    private static readonly TypeableCode Code = new(Length, MaxInputLength);

    public static string Generate() => Code.Generate();

    /// <summary>The code as people read it: two groups of five.</summary>
    public static string Format(string canonical) => Code.Display(canonical);

    /// <summary>The ten characters of what someone typed, upper-cased, separators dropped; null when it cannot be a code.</summary>
    public static string? Normalise(string? typed) => Code.Normalise(typed);

    /// <summary>
    /// SHA-256 of the canonical code. No salt or slow hash is needed for a random 49-bit code whose guesses online
    /// are rate-limited; whoever could read the table offline could read the published results it unlocks anyway.
    /// </summary>
    public static string Hash(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(canonical)));

    public static string HintOf(string canonical) => canonical[..2];
}
