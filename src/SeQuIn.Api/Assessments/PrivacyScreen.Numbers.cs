namespace SeQuIn.Api.Assessments;

/// <summary>NHS and phone numbers: runs of digit groups, read once.</summary>
public static partial class PrivacyScreen
{
    /// <summary>A group of digits in a run, and what separated it from the group before.</summary>
    private readonly record struct DigitGroup(int Start, int Length, char Separator, bool Bracketed, bool InDate);

    /// <summary>At most this many separator characters join two digit groups ("943 - 476", "+44 (0)113").</summary>
    private const int MaxSeparatorLength = 3;

    private static bool IsGroupSeparator(char c) => c is ' ' or '-' or '.' or '/' or '_' or '(' or ')';

    /// <summary>
    /// Splits the text into runs of digit groups joined by short separators and looks in each run, at group
    /// boundaries, for ten digits that pass Modulus 11 or digits shaped like a UK phone number. Every window tried
    /// is at most sixteen digits long, so the work is linear in the text.
    /// </summary>
    private static IdentifierKind? FindInNumbers(string text)
    {
        var groups = new List<DigitGroup>();
        IdentifierKind? found = null;
        var i = 0;
        while (i < text.Length)
        {
            var next = text.AsSpan(i).IndexOfAnyInRange('0', '9');
            if (next < 0)
            {
                break;
            }
            i += next;
            groups.Clear();
            var runStart = i;
            var separator = '\0';
            var bracketed = false;
            while (true)
            {
                var start = i;
                while (i < text.Length && IsDigit(text[i]))
                {
                    i++;
                }
                groups.Add(new DigitGroup(start, i - start, separator, bracketed, false));
                var j = i;
                while (j < text.Length && j - i < MaxSeparatorLength && IsGroupSeparator(text[j]))
                {
                    j++;
                }
                if (j == i || j >= text.Length || !IsDigit(text[j]))
                {
                    break;
                }
                (separator, bracketed) = SeparatorKind(text.AsSpan(i, j - i));
                i = j;
            }
            MarkDates(text, groups);
            switch (Classify(text, groups, At(text, runStart - 1) == '+'))
            {
                case IdentifierKind.NhsNumber:
                    return IdentifierKind.NhsNumber;
                case IdentifierKind.PhoneNumber:
                    found = IdentifierKind.PhoneNumber;
                    break;
            }
        }
        return found;
    }

    /// <summary>One character for a separator: its dash, dot, slash or underscore if it has one, else a space.</summary>
    private static (char Kind, bool Bracketed) SeparatorKind(ReadOnlySpan<char> separator)
    {
        var kind = ' ';
        var bracketed = false;
        foreach (var c in separator)
        {
            if (c is '(' or ')')
            {
                bracketed = true;
            }
            else if (c != ' ')
            {
                kind = c;
            }
        }
        return (kind, bracketed);
    }

    /// <summary>Groups that form a calendar date (14/03/2026, 2024-06-01) are a date, not part of a longer
    /// number: "On 14/03/2026 12 people came" must not be read as ten digits.</summary>
    private static void MarkDates(string text, List<DigitGroup> groups)
    {
        for (var a = 0; a + 2 < groups.Count; a++)
        {
            var (g0, g1, g2) = (groups[a], groups[a + 1], groups[a + 2]);
            if (g1.Separator != g2.Separator || g1.Separator == ' ' || g1.Bracketed || g2.Bracketed)
            {
                continue;
            }
            var dayFirst = g0.Length <= 2 && g1.Length <= 2 && g2.Length == 4
                && Number(text, g0) is >= 1 and <= 31 && Number(text, g1) is >= 1 and <= 31 && Math.Min(Number(text, g0), Number(text, g1)) <= 12;
            var yearFirst = g0.Length == 4 && g1.Length <= 2 && g2.Length <= 2
                && Number(text, g1) is >= 1 and <= 12 && Number(text, g2) is >= 1 and <= 31;
            if (dayFirst || yearFirst)
            {
                groups[a] = g0 with { InDate = true };
                groups[a + 1] = g1 with { InDate = true };
                groups[a + 2] = g2 with { InDate = true };
            }
        }
    }

    private static int Number(string text, DigitGroup group)
    {
        var value = 0;
        for (var k = 0; k < group.Length && k < 9; k++)
        {
            value = value * 10 + (text[group.Start + k] - '0');
        }
        return value;
    }

    private static IdentifierKind? Classify(string text, List<DigitGroup> groups, bool afterPlus)
    {
        Span<int> digits = stackalloc int[16];
        IdentifierKind? found = null;
        for (var a = 0; a < groups.Count; a++)
        {
            if (groups[a].InDate)
            {
                continue;
            }
            var count = 0;
            // Past ten digits only a phone number can start here, and every UK one starts with 0 or +44.
            var mayBePhone = text[groups[a].Start] == '0' || (afterPlus && a == 0);
            for (var b = a; b < groups.Count && !groups[b].InDate && count + groups[b].Length <= digits.Length && (count < 10 || mayBePhone); b++)
            {
                for (var k = 0; k < groups[b].Length; k++)
                {
                    digits[count++] = text[groups[b].Start + k] - '0';
                }
                if (count < 10)
                {
                    continue;
                }
                if (count == 10 && !IsCqcId(text, groups, a, b) && PassesModulus11(digits[..10]))
                {
                    return IdentifierKind.NhsNumber;
                }
                if (found is null && mayBePhone && IsUkPhone(groups, a, b, digits[..count], afterPlus && a == 0))
                {
                    found = IdentifierKind.PhoneNumber;
                }
            }
        }
        return found;
    }

    /// <summary>Care Quality Commission location and provider IDs ("1-123456789") are written on inspection
    /// evidence all the time; nobody writes an NHS number as one digit, a dash and nine.</summary>
    private static bool IsCqcId(string text, List<DigitGroup> groups, int a, int b) =>
        b == a + 1 && groups[a].Length == 1 && text[groups[a].Start] == '1' && groups[b].Separator == '-' && !groups[b].Bracketed;

    /// <summary>Whether groups a..b (their digits given) are a UK phone number as people write one.</summary>
    private static bool IsUkPhone(List<DigitGroup> groups, int a, int b, ReadOnlySpan<int> digits, bool afterPlus)
    {
        // International: +44 or 0044, an optional (0), then nine or ten digits not starting with 0.
        var prefix = afterPlus && digits is [4, 4, ..] ? 2 : digits is [0, 0, 4, 4, ..] ? 4 : 0;
        if (prefix > 0)
        {
            var rest = digits[prefix..];
            if (rest is [0, ..])
            {
                rest = rest[1..];
            }
            return rest.Length is 9 or 10 && rest[0] != 0;
        }
        // National: 0, a non-zero digit, 8 or 9 more; the area code at least three digits, one kind of separator
        // (brackets round the area code aside) and no slashes, so "0900-1700 10" and dates are not phones.
        if (digits.Length is not (10 or 11) || digits[0] != 0 || digits[1] == 0 || groups[a].Length < 3)
        {
            return false;
        }
        var separator = '\0';
        for (var g = a + 1; g <= b; g++)
        {
            if (groups[g].Length < 2 || groups[g].Separator == '/')
            {
                return false;
            }
            if (groups[g].Bracketed && g == a + 1)
            {
                continue;
            }
            if (separator != '\0' && groups[g].Separator != separator)
            {
                return false;
            }
            separator = groups[g].Separator;
        }
        return true;
    }
}
