using System.Security.Cryptography;
using System.Text;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Confirmations;

/// <summary>
/// Confirmation codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 40 bits, shown as
/// two groups of four (K7PM-3XQ2) so they are easy to read out and to type on a ward tablet. What is typed is
/// normalised before it is checked: case, spaces and dashes do not matter. Pure: no I/O.
/// </summary>
public static class ConfirmationCodeFormat
{
    public const string Alphabet = TypeableCode.Alphabet;
    public const int Length = 8;

    /// <summary>How long a typed code may be, spaces and dashes included (anything longer cannot be a code).</summary>
    public const int MaxTypedLength = 40;

    private static readonly TypeableCode Code = new(Length, MaxTypedLength);

    /// <summary>A new code, normalised (8 characters, no dash).</summary>
    public static string Generate() => Code.Generate();

    /// <summary>The code as shown: two groups of four.</summary>
    public static string Display(string normalised) => Code.Display(normalised);

    /// <summary>The code as typed, upper-cased, without separators; null when it cannot be a code.</summary>
    public static string? Normalise(string? typed) => Code.Normalise(typed);

    /// <summary>The keyed hash a code is stored and found by (HMAC-SHA-256): a database dump alone cannot be searched for codes.</summary>
    public static byte[] Hash(byte[] key, string normalised) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(normalised));
}
