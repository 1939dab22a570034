using System.Text.RegularExpressions;

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
/// <list type="bullet">
/// <item>NHS number: ten digits (grouped 3-3-4 by spaces or hyphens, or not at all) whose tenth digit is the
/// Modulus 11 check digit of the first nine. Ten-digit strings that fail the check (phone numbers, references)
/// are not NHS numbers.</item>
/// <item>E-mail address: local@domain.tld.</item>
/// <item>UK phone number: +44 or 0 followed by a non-zero digit and 8–9 more digits, with optional spaces,
/// hyphens or brackets, not part of a longer number.</item>
/// <item>Date of birth: any date written after a cue ("DOB", "D.O.B.", "date of birth", "born"); and any full
/// date (day, month and year) whose year is more than ten years ago, since evidence dates are recent
/// (meetings, audits) while an old full date in a note about people is most likely a birth date.</item>
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
        foreach (Match candidate in TenDigits().Matches(text))
        {
            if (IsNhsNumber(candidate.Value))
            {
                return IdentifierKind.NhsNumber;
            }
        }
        if (Email().IsMatch(text))
        {
            return IdentifierKind.EmailAddress;
        }
        if (UkPhone().IsMatch(text))
        {
            return IdentifierKind.PhoneNumber;
        }
        if (CuedDate().IsMatch(text))
        {
            return IdentifierKind.DateOfBirth;
        }
        foreach (Match date in FullDate().Matches(text))
        {
            if (YearOf(date) is { } year && year < today.Year - 10 && year > today.Year - 120)
            {
                return IdentifierKind.DateOfBirth;
            }
        }
        return null;
    }

    /// <summary>Modulus 11: weights 10..2 on the first nine digits; 11 − (sum mod 11), 11 → 0, 10 → invalid.</summary>
    public static bool IsNhsNumber(string candidate)
    {
        var digits = candidate.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length != 10)
        {
            return false;
        }
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

    private static int? YearOf(Match date)
    {
        var text = date.Groups["year"].Value;
        if (!int.TryParse(text, out var year))
        {
            return null;
        }
        return text.Length == 4 ? year : null;
    }

    [GeneratedRegex(@"(?<![0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])")]
    private static partial Regex TenDigits();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    [GeneratedRegex(@"(?<![0-9+])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(?0)[1-9](?:[ -()]?[0-9]){8,9}(?![0-9])")]
    private static partial Regex UkPhone();

    [GeneratedRegex(@"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?)\s*[:\-]?\s*[0-9]{1,4}[./\- ][0-9A-Za-z]{1,9}[./\- ][0-9]{2,4}", RegexOptions.IgnoreCase)]
    private static partial Regex CuedDate();

    [GeneratedRegex(@"\b(?:[0-3]?[0-9][./-][01]?[0-9][./-](?<year>[0-9]{4})|(?<year>[0-9]{4})-[01][0-9]-[0-3][0-9]|[0-3]?[0-9](?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?<year>[0-9]{4}))\b", RegexOptions.IgnoreCase)]
    private static partial Regex FullDate();
}
