namespace SeQuIn.Api.Assessments;

/// <summary>Dates of birth: cued dates and old full dates.</summary>
public static partial class PrivacyScreen
{
    private enum DateShape
    {
        None,
        Year,
        MonthYear,
        Full,
    }

    private enum Cue
    {
        None,
        /// <summary>"DOB", "date of birth", "birth date": any date after it, even a month and year or a year.</summary>
        Strong,
        /// <summary>"born", "birthday": words with other uses, so only a full date after them.</summary>
        Weak,
    }

    private static readonly string[] MonthNames =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    /// <summary>Words that may stand between a cue and its date: "born on", "DOB is", "date of birth was".</summary>
    private static readonly string[] GapWords = ["on", "is", "was", "in", "the", "of"];

    /// <summary>
    /// Reads each word start and each digit-run start once; at each, a cue or a date is read within a bounded
    /// distance (a date is at most about 30 characters), so the work is linear.
    /// </summary>
    private static bool HasDateOfBirth(string text, DateOnly today)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (!IsWordChar(c))
            {
                i++;
                continue;
            }
            // Only a cue's or a month's first letter, or a digit, can start what is looked for.
            if (c is 'd' or 'b')
            {
                var (cue, cueEnd) = ReadCue(text, i);
                if (cue != Cue.None)
                {
                    var (shape, _, _) = ReadDate(text, SkipGap(text, cueEnd), cued: true);
                    if (shape == DateShape.Full || (cue == Cue.Strong && shape != DateShape.None))
                    {
                        return true;
                    }
                }
            }
            if ((IsDigit(c) || c is 'j' or 'f' or 'm' or 'a' or 's' or 'o' or 'n' or 'd')
                && ReadDate(text, i, cued: false) is (DateShape.Full, var year, _) && year < today.Year - 10 && year > today.Year - 120)
            {
                return true;
            }
            // On to the next word: every character is looked at once here, and each start reads a bounded distance.
            i++;
            var rest = text.AsSpan(i).IndexOfAnyExcept(AsciiWordChars);
            i = rest < 0 ? text.Length : i + rest;
            while (i < text.Length && IsWordChar(text[i]))
            {
                i++;
            }
        }
        return false;
    }

    private static readonly System.Buffers.SearchValues<char> AsciiWordChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");

    /// <summary>A cue word starting at <paramref name="i"/>, and where it ends.</summary>
    private static (Cue, int) ReadCue(string text, int i)
    {
        // d.o.b, d. o. b., d o b, dob
        if (text[i] == 'd')
        {
            var j = i + 1;
            j = SkipDotSpace(text, j);
            if (At(text, j) == 'o')
            {
                j = SkipDotSpace(text, j + 1);
                if (At(text, j) == 'b' && !IsLetter(At(text, j + 1)))
                {
                    return (Cue.Strong, At(text, j + 1) == '.' ? j + 2 : j + 1);
                }
            }
        }
        foreach (var (words, cue) in CuePhrases)
        {
            if (MatchesWords(text, i, words) is { } end && !IsLetter(At(text, end)))
            {
                return (cue, end);
            }
        }
        return (Cue.None, i);
    }

    private static readonly (string[] Words, Cue Cue)[] CuePhrases =
    [
        (["date", "of", "birth"], Cue.Strong),
        (["birth", "date"], Cue.Strong),
        (["birthdate"], Cue.Strong),
        (["born"], Cue.Weak),
        (["birthday"], Cue.Weak),
    ];

    /// <summary>Words separated by one space or dash ("date-of-birth").</summary>
    private static int? MatchesWords(string text, int i, string[] words)
    {
        for (var w = 0; w < words.Length; w++)
        {
            if (w > 0)
            {
                if (At(text, i) is not (' ' or '-' or '_'))
                {
                    return null;
                }
                i++;
            }
            if (MatchesWord(text, i, words[w]) is not { } end)
            {
                return null;
            }
            i = end;
        }
        return i;
    }

    private static int? MatchesWord(string text, int i, string word) =>
        i + word.Length <= text.Length && text.AsSpan(i, word.Length).SequenceEqual(word) ? i + word.Length : null;

    private static int SkipDotSpace(string text, int j)
    {
        if (At(text, j) == '.')
        {
            j++;
        }
        if (At(text, j) == ' ')
        {
            j++;
        }
        return j;
    }

    /// <summary>Punctuation, spaces and a few small words between a cue and its date, boundedly.</summary>
    private static int SkipGap(string text, int i)
    {
        for (var round = 0; round < 4; round++)
        {
            var start = i;
            while (i < text.Length && i - start < 4 && text[i] is ' ' or '\t' or '\n' or ':' or '-' or '=' or '(' or '[' or ',' or '.' or ';' or '#')
            {
                i++;
            }
            foreach (var word in GapWords)
            {
                if (MatchesWord(text, i, word) is { } end && At(text, end) == ' ')
                {
                    i = end;
                    break;
                }
            }
            if (i == start)
            {
                break;
            }
        }
        return i;
    }

    /// <summary>
    /// A date starting at <paramref name="i"/>: 14/02/1979, 14-02-1979, 14.02.79, 1979-02-14, 14 February 1979,
    /// 14th of Feb. 1979, February 14, 1979; and when cued, also 02/1979, February 1979, 1979 and space-separated
    /// digits. Two-digit years only count when cued; their year is reported as 0.
    /// </summary>
    private static (DateShape Shape, int Year, int End) ReadDate(string text, int i, bool cued)
    {
        if (IsDigit(At(text, i)))
        {
            var (first, firstLength, afterFirst) = ReadNumber(text, i);
            if (firstLength == 4)
            {
                return ReadYearFirst(text, first, afterFirst, cued);
            }
            if (firstLength > 2)
            {
                return (DateShape.None, 0, i);
            }
            var (separator, afterSeparator) = ReadSeparator(text, afterFirst);
            if (separator != '\0' && (separator != ' ' || cued) && IsDigit(At(text, afterSeparator)))
            {
                var (second, secondLength, afterSecond) = ReadNumber(text, afterSeparator);
                if (secondLength <= 2)
                {
                    var (separator2, afterSeparator2) = ReadSeparator(text, afterSecond);
                    if (separator2 == separator && IsDigit(At(text, afterSeparator2)))
                    {
                        var (year, yearLength, end) = ReadNumber(text, afterSeparator2);
                        var dayMonth = first is >= 1 and <= 31 && second is >= 1 and <= 31 && Math.Min(first, second) <= 12;
                        if (dayMonth && (yearLength == 4 || (yearLength == 2 && cued)))
                        {
                            return (DateShape.Full, yearLength == 4 ? year : 0, end);
                        }
                    }
                }
                else if (secondLength == 4 && cued && separator != ' ' && first is >= 1 and <= 12)
                {
                    return (DateShape.MonthYear, second, afterSecond);
                }
                return (DateShape.None, 0, i);
            }
            // 14 February 1979, 14th Feb 1979, 14th of February, 1979
            var j = afterFirst;
            if (At(text, j) is 's' or 'n' or 'r' or 't' && IsLetter(At(text, j + 1)) && !IsLetter(At(text, j + 2))
                && text.AsSpan(j, 2) is "st" or "nd" or "rd" or "th")
            {
                j += 2;
            }
            if (At(text, j) == ' ')
            {
                j++;
            }
            if (MatchesWord(text, j, "of") is { } afterOf && At(text, afterOf) == ' ')
            {
                j = afterOf + 1;
            }
            if (first is >= 1 and <= 31 && ReadMonthName(text, j) is { } afterMonth)
            {
                var k = afterMonth;
                if (At(text, k) == '.')
                {
                    k++;
                }
                if (At(text, k) == ',')
                {
                    k++;
                }
                if (At(text, k) == ' ')
                {
                    k++;
                }
                if (At(text, k) == '\'')
                {
                    k++;
                }
                var (year, yearLength, end) = ReadNumber(text, k);
                if (yearLength == 4 || (yearLength == 2 && cued))
                {
                    return (DateShape.Full, yearLength == 4 ? year : 0, end);
                }
            }
            return (DateShape.None, 0, i);
        }
        if (IsLetter(At(text, i)) && ReadMonthName(text, i) is { } monthEnd)
        {
            // February 14, 1979 / February 14th 1979 / February 1979
            var k = monthEnd;
            if (At(text, k) == '.')
            {
                k++;
            }
            if (At(text, k) == ' ')
            {
                k++;
            }
            var (day, dayLength, afterDay) = ReadNumber(text, k);
            if (dayLength == 4)
            {
                return cued ? (DateShape.MonthYear, day, afterDay) : (DateShape.None, 0, i);
            }
            if (dayLength is 1 or 2 && day is >= 1 and <= 31)
            {
                var m = afterDay;
                if (m + 1 < text.Length && text.AsSpan(m, 2) is "st" or "nd" or "rd" or "th" && !IsLetter(At(text, m + 2)))
                {
                    m += 2;
                }
                if (At(text, m) == ',')
                {
                    m++;
                }
                if (At(text, m) == ' ')
                {
                    m++;
                }
                var (year, yearLength, end) = ReadNumber(text, m);
                if (yearLength == 4)
                {
                    return (DateShape.Full, year, end);
                }
            }
        }
        return (DateShape.None, 0, i);
    }

    private static (DateShape, int, int) ReadYearFirst(string text, int year, int afterYear, bool cued)
    {
        var (separator, afterSeparator) = ReadSeparator(text, afterYear);
        if (separator is '-' or '/' or '.' && IsDigit(At(text, afterSeparator)))
        {
            var (month, monthLength, afterMonth) = ReadNumber(text, afterSeparator);
            var (separator2, afterSeparator2) = ReadSeparator(text, afterMonth);
            if (monthLength <= 2 && month is >= 1 and <= 12 && separator2 == separator && IsDigit(At(text, afterSeparator2)))
            {
                var (day, dayLength, end) = ReadNumber(text, afterSeparator2);
                if (dayLength <= 2 && day is >= 1 and <= 31)
                {
                    return (DateShape.Full, year, end);
                }
            }
            if (cued && monthLength <= 2 && month is >= 1 and <= 12)
            {
                return (DateShape.MonthYear, year, afterMonth);
            }
        }
        return cued && year is >= 1880 and <= 2100 ? (DateShape.Year, year, afterYear) : (DateShape.None, 0, afterYear);
    }

    /// <summary>Up to five digits and the index after them; a longer run is no part of a date (length 6+).</summary>
    private static (int Value, int Length, int End) ReadNumber(string text, int i)
    {
        var start = i;
        var value = 0;
        while (i < text.Length && IsDigit(text[i]))
        {
            if (i - start < 5)
            {
                value = value * 10 + (text[i] - '0');
            }
            else
            {
                // Too long to be part of a date: report a length no caller accepts, and stop reading.
                return (0, 6, i);
            }
            i++;
        }
        return (value, i - start, i);
    }

    /// <summary>'/', '-', '.', ' ', or one of the first three with a space either side; '\0' when none.</summary>
    private static (char Separator, int End) ReadSeparator(string text, int i)
    {
        var c = At(text, i);
        if (c is '/' or '-' or '.')
        {
            return (c, At(text, i + 1) == ' ' ? i + 2 : i + 1);
        }
        if (c == ' ')
        {
            var d = At(text, i + 1);
            return d is '/' or '-' or '.' ? (d, At(text, i + 2) == ' ' ? i + 3 : i + 2) : (' ', i + 1);
        }
        return ('\0', i);
    }

    /// <summary>A month's full name, its first three letters, or "sept", as a whole word: the index after it.</summary>
    private static int? ReadMonthName(string text, int i)
    {
        var end = i;
        while (end < text.Length && end - i <= 9 && text[end] is >= 'a' and <= 'z')
        {
            end++;
        }
        var length = end - i;
        if (length < 3 || length > 9 || IsLetter(At(text, end)))
        {
            return null;
        }
        var word = text.AsSpan(i, length);
        foreach (var name in MonthNames)
        {
            if (word.SequenceEqual(name) || (length == 3 && name.AsSpan(0, 3).SequenceEqual(word)))
            {
                return end;
            }
        }
        return word.SequenceEqual("sept") ? end : null;
    }
}
