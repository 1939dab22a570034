using System.Security.Cryptography;
using System.Text;

namespace SeQuIn.Api.Confirmations;

/// <summary>
/// Confirmation codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 40 bits, shown as
/// two groups of four (K7PM-3XQ2) so they are easy to read out and to type on a ward tablet. What is typed is
/// normalised before it is checked: case, spaces and dashes do not matter. Pure: no I/O.
/// </summary>
public static class ConfirmationCodeFormat
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int Length = 8;

    /// <summary>How long a typed code may be, spaces and dashes included (anything longer cannot be a code).</summary>
    public const int MaxTypedLength = 40;

    /// <summary>A new code, normalised (8 characters, no dash).</summary>
    public static string Generate() => new(RandomNumberGenerator.GetItems<char>(Alphabet, Length));

    /// <summary>The code as shown: two groups of four.</summary>
    public static string Display(string normalised) => $"{normalised[..4]}-{normalised[4..]}";

    /// <summary>
    /// The code as typed, upper-cased, without spaces or dashes; null when what is left is not 8 characters of the
    /// alphabet (or the text is longer than any code could be typed).
    /// </summary>
    public static string? Normalise(string? typed)
    {
        if (typed is null || typed.Length > MaxTypedLength)
        {
            return null;
        }
        var code = new StringBuilder(Length);
        foreach (var c in typed)
        {
            if (c is ' ' or '-' or '\t')
            {
                continue;
            }
            var upper = char.ToUpperInvariant(c);
            if (!Alphabet.Contains(upper) || code.Length == Length)
            {
                return null;
            }
            code.Append(upper);
        }
        return code.Length == Length ? code.ToString() : null;
    }

    /// <summary>The keyed hash a code is stored and found by (HMAC-SHA-256): a database dump alone cannot be searched for codes.</summary>
    public static byte[] Hash(byte[] key, string normalised) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(normalised));
}
