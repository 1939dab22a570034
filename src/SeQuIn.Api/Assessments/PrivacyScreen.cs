using System.Globalization;
using System.Text;

namespace SeQuIn.Api.Assessments;

public enum IdentifierKind
{
    NhsNumber,
    EmailAddress,
    PhoneNumber,
    DateOfBirth,
}

/// <summary>
/// Finds personal identifiers in free text so that they are refused before they are stored. SeQuIn holds data
/// about services, never about patients. Pure: no I/O; the match itself is never returned, only its kind, so
/// callers cannot log or echo it by mistake.
/// <para>
/// No regular expressions: the text is normalised once (<see cref="Normalise"/>), then read by hand-written
/// scanners that each look at every character a bounded number of times, so any input costs linear time
/// (an earlier backtracking pattern took 12.8 s on "dob" followed by 160,000 spaces).
/// </para>
/// <list type="bullet">
/// <item>NHS number: ten digits in any grouping (spaces, dots, dashes, slashes, underscores or none, mixed)
/// whose tenth digit is the Modulus 11 check digit of the first nine. Ten digits that fail the check
/// (references, most phone numbers) are not NHS numbers.</item>
/// <item>UK phone number: 0 then a non-zero digit and 8–9 more, grouped as people write them (0113 496 0000,
/// (0113) 4960000, 07700 900123, 0113-496-0000, 0113.496.0000), or +44 / 0044 with an optional (0).</item>
/// <item>E-mail address: local@domain.tld, also written with (at), [at], {at}, &lt;at&gt; and (dot), [dot]…,
/// and "name at domain dot tld".</item>
/// <item>Date of birth: a date after a cue ("DOB", "D.O.B.", "date of birth", "birth date", "born", "birthday");
/// and any full date whose year is more than ten years ago, since evidence dates are recent (meetings, audits)
/// while an old full date in a note about people is most likely a birth date.</item>
/// </list>
/// </summary>
public static partial class PrivacyScreen
{
    public static IdentifierKind? Find(string? text, DateOnly today)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var normal = Normalise(text);
        var numbers = FindInNumbers(normal);
        if (numbers == IdentifierKind.NhsNumber)
        {
            return numbers;
        }
        if (HasEmail(normal))
        {
            return IdentifierKind.EmailAddress;
        }
        if (numbers is not null)
        {
            return numbers;
        }
        return HasDateOfBirth(normal, today) ? IdentifierKind.DateOfBirth : null;
    }

    /// <summary>Modulus 11: weights 10..2 on the first nine digits; 11 − (sum mod 11), 11 → 0, 10 → invalid.</summary>
    public static bool IsNhsNumber(string candidate)
    {
        var digits = candidate.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        return digits.Length == 10 && PassesModulus11(digits);
    }

    private static bool PassesModulus11(ReadOnlySpan<int> digits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += digits[i] * (10 - i);
        }
        var check = 11 - sum % 11;
        if (check == 11)
        {
            check = 0;
        }
        return check != 10 && check == digits[9];
    }

    public static string Describe(IdentifierKind kind) => kind switch
    {
        IdentifierKind.NhsNumber => "an NHS number",
        IdentifierKind.EmailAddress => "an e-mail address",
        IdentifierKind.PhoneNumber => "a phone number",
        IdentifierKind.DateOfBirth => "a date of birth",
        _ => "a personal identifier",
    };

    /// <summary>
    /// The text as the scanners read it: NFKC (full-width forms, compatibility digits), lower case,
    /// invisible format characters (zero-width spaces and joiners, soft hyphens, BOMs) dropped, every run of
    /// Unicode white space or control characters one ASCII space (or one line break or tab, see
    /// <see cref="Blank"/>), every dash or minus sign '-', and every decimal
    /// digit of any script its ASCII digit. People hide identifiers in exactly these variants, on purpose or
    /// because their word processor put them there.
    /// </summary>
    public static string Normalise(string text)
    {
        if (System.Text.Ascii.IsValid(text))
        {
            return NormaliseAscii(text);
        }
        text = WithoutLoneSurrogates(text);
        if (!text.IsNormalized(NormalizationForm.FormKC))
        {
            text = text.Normalize(NormalizationForm.FormKC);
        }
        var output = new StringBuilder(text.Length);
        var lastWasSpace = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            char mapped;
            if (c < 0x80)
            {
                mapped = c <= ' ' || c == '\x7f' ? Blank(c) : c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                // Digits outside the BMP (mathematical bold digits, other scripts): a digit; anything else kept.
                var digit = CharUnicodeInfo.GetDecimalDigitValue(text, i);
                if (digit < 0)
                {
                    output.Append(c).Append(text[i + 1]);
                    lastWasSpace = false;
                    i++;
                    continue;
                }
                mapped = (char)('0' + digit);
                i++;
            }
            else
            {
                mapped = CompatibilityForm(c) ?? char.GetUnicodeCategory(c) switch
                {
                    UnicodeCategory.Format => '\0',
                    UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Control => Blank(c),
                    UnicodeCategory.DashPunctuation => '-',
                    UnicodeCategory.DecimalDigitNumber => (char)('0' + CharUnicodeInfo.GetDecimalDigitValue(c)),
                    _ => c is '\u2212' or '\u2043' or '\u02d7' ? '-' : char.ToLowerInvariant(c),
                };
                if (mapped == '\0')
                {
                    continue;
                }
            }
            if (mapped is ' ' or '\t' or '\n')
            {
                if (lastWasSpace)
                {
                    output[^1] = Stronger(output[^1], mapped);
                    continue;
                }
                lastWasSpace = true;
            }
            else
            {
                lastWasSpace = false;
            }
            output.Append(mapped);
        }
        return output.ToString();
    }

    /// <summary>The common case, without a StringBuilder call per character.</summary>
    private static string NormaliseAscii(string text)
    {
        var buffer = text.Length <= 4096 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        var lastWasSpace = false;
        foreach (var c in text)
        {
            if (c <= ' ' || c == '\x7f')
            {
                var blank = Blank(c);
                if (lastWasSpace)
                {
                    buffer[length - 1] = Stronger(buffer[length - 1], blank);
                }
                else
                {
                    buffer[length++] = blank;
                }
                lastWasSpace = true;
                continue;
            }
            buffer[length++] = c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
            lastWasSpace = false;
        }
        return new string(buffer[..length]);
    }

    /// <summary>
    /// White space as one of three: a line break ('\n'), a tab ('\t') or a space. Digits are joined into one
    /// number only across spaces, so the columns of a table in a text or CSV file, or the last number of one line
    /// and the first of the next, are not read as one ten-digit NHS number.
    /// </summary>
    private static char Blank(char c) => c switch
    {
        '\n' or '\r' or '\v' or '\f' or '\u0085' or '\u2028' or '\u2029' => '\n',
        '\t' => '\t',
        _ => ' ',
    };

    /// <summary>A run of white space is its strongest member: a line break, else a tab, else a space.</summary>
    private static char Stronger(char a, char b) => a == '\n' || b == '\n' ? '\n' : a == '\t' || b == '\t' ? '\t' : ' ';

    /// <summary>
    /// The NFKC mappings that matter here, by hand: the service runs with invariant globalization, where
    /// string.Normalize leaves non-ASCII text as it is. Full-width ASCII (＠, ０–９, （）) and the small form variants
    /// people paste from East Asian keyboards.
    /// </summary>
    private static char? CompatibilityForm(char c) => c switch
    {
        >= '\uff01' and <= '\uff5e' => char.ToLowerInvariant((char)(c - 0xfee0)),
        '\ufe6b' => '@',
        '\ufe52' or '\u2024' => '.',
        '\ufe59' => '(',
        '\ufe5a' => ')',
        '\ufe63' => '-',
        '\u3000' => ' ',
        _ => null,
    };

    /// <summary>Normalisation refuses ill-formed UTF-16; a lone surrogate cannot hide a digit, so it becomes U+FFFD.</summary>
    private static string WithoutLoneSurrogates(string text)
    {
        char[]? copy = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(text[i]))
            {
                copy ??= text.ToCharArray();
                copy[i] = '\uFFFD';
            }
        }
        return copy is null ? text : new string(copy);
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsLetter(char c) => c is >= 'a' and <= 'z' || (c >= 0x80 && char.IsLetter(c));

    private static bool IsWordChar(char c) => IsDigit(c) || IsLetter(c);

    private static char At(string text, int index) => index >= 0 && index < text.Length ? text[index] : '\0';
}
