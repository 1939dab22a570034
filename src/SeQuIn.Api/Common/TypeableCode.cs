using System.Security.Cryptography;
using System.Text;

namespace SeQuIn.Api.Common;

/// <summary>
/// A short random code people read out and type (a unit's share code, a service user's confirmation code): characters
/// from an alphabet without look-alikes (no 0/O, 1/I/L), shown as two equal groups joined by a dash. What is typed is
/// normalised before it is checked: case, spaces, tabs and dashes do not matter; look-alikes are not mapped, since they
/// are never issued. Linear in what is typed, which is refused beyond <see cref="MaxTypedLength"/>. Pure: no I/O.
/// </summary>
/// <param name="Length">How many characters of the alphabet a code has (even: shown as two halves).</param>
/// <param name="MaxTypedLength">How long a typed code may be, separators included; anything longer cannot be a code.</param>
public sealed record TypeableCode(int Length, int MaxTypedLength)
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    /// <summary>A new code, normalised (no dash).</summary>
    public string Generate() => new(RandomNumberGenerator.GetItems<char>(Alphabet, Length));

    /// <summary>The code as shown: two groups joined by a dash.</summary>
    public string Display(string normalised) => $"{normalised[..(Length / 2)]}-{normalised[(Length / 2)..]}";

    /// <summary>
    /// The code as typed, upper-cased, without spaces, tabs or dashes; null when what is left is not <see cref="Length"/>
    /// characters of the alphabet (or the text is longer than any code could be typed).
    /// </summary>
    public string? Normalise(string? typed)
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
}
