namespace SeQuIn.Api.Assessments;

/// <summary>E-mail addresses, plain and obfuscated.</summary>
public static partial class PrivacyScreen
{
    /// <summary>Longest domain name DNS allows; bounds the work per "at".</summary>
    private const int MaxDomainLength = 253;

    private static readonly string[] BracketPairs = ["()", "[]", "{}", "<>"];

    /// <summary>Where an "at" can start: '@', an opening bracket, or the space before a spelt "at".</summary>
    private static readonly System.Buffers.SearchValues<char> AtStarts = System.Buffers.SearchValues.Create("@([{< ");

    /// <summary>
    /// Finds an "at" (@, (at), [at], {at}, &lt;at&gt;, or the word "at" when the domain is spelt with "dot") with a
    /// local part before it and a domain with at least one dot and a top-level label of letters after it. Each
    /// "at" reads at most <see cref="MaxDomainLength"/> characters ahead, so the work is linear.
    /// </summary>
    private static bool HasEmail(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!AtStarts.Contains(text[i]))
            {
                var next = text.AsSpan(i).IndexOfAny(AtStarts);
                if (next < 0)
                {
                    return false;
                }
                i += next;
            }
            var c = text[i];
            int after;
            bool spelt;
            int before;
            if (c == '@')
            {
                (before, after, spelt) = (i - 1, i + 1, false);
            }
            else if (BracketedWord(text, i, "at") is { } end)
            {
                (before, after, spelt) = (i - 1, end, false);
            }
            else if (c == ' ' && At(text, i + 1) == 'a' && At(text, i + 2) == 't' && At(text, i + 3) == ' ')
            {
                (before, after, spelt) = (i - 1, i + 4, true);
            }
            else
            {
                continue;
            }
            if (At(text, before) == ' ' && !spelt)
            {
                before--;
            }
            if (At(text, after) == ' ' && !spelt)
            {
                after++;
            }
            if (IsLocalPartChar(At(text, before)) && IsDomain(text, after, spelt))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsLocalPartChar(char c) => IsWordChar(c) || c is '.' or '_' or '-' or '+' or '%' or '\'';

    private static bool IsLabelChar(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-';

    /// <summary>
    /// label (dot label)+, the last label two or more letters. With a spelt "at" the domain must use a spelt or
    /// bracketed dot too: "available at gov.uk" is a sentence, "jo at nhs dot net" an address.
    /// </summary>
    private static bool IsDomain(string text, int start, bool speltAt)
    {
        var limit = Math.Min(text.Length, start + MaxDomainLength);
        var i = start;
        var labels = 0;
        var lettersOnly = false;
        var obfuscatedDot = false;
        while (i < limit)
        {
            var labelStart = i;
            lettersOnly = true;
            while (i < limit && IsLabelChar(text[i]))
            {
                lettersOnly &= text[i] is >= 'a' and <= 'z';
                i++;
            }
            var labelLength = i - labelStart;
            if (labelLength == 0)
            {
                break;
            }
            labels++;
            if (!lettersOnly || labelLength < 2)
            {
                lettersOnly = false;
            }
            // A dot: '.', (dot) [dot] {dot} <dot> with or without spaces round them, or " dot ".
            var next = i;
            var spaced = At(text, next) == ' ';
            if (spaced)
            {
                next++;
            }
            if (At(text, next) == '.' && !spaced && IsLabelChar(At(text, next + 1)))
            {
                i = next + 1;
                continue;
            }
            if (BracketedWord(text, next, "dot") is { } end)
            {
                obfuscatedDot = true;
                i = At(text, end) == ' ' ? end + 1 : end;
                continue;
            }
            if (spaced && At(text, next) == 'd' && At(text, next + 1) == 'o' && At(text, next + 2) == 't' && At(text, next + 3) == ' '
                && IsLabelChar(At(text, next + 4)))
            {
                obfuscatedDot = true;
                i = next + 4;
                continue;
            }
            break;
        }
        return labels >= 2 && lettersOnly && (!speltAt || obfuscatedDot);
    }

    /// <summary>"(at)", "[ at ]" and the like starting at <paramref name="start"/>: the index after the closing bracket.</summary>
    private static int? BracketedWord(string text, int start, string word)
    {
        foreach (var pair in BracketPairs)
        {
            if (At(text, start) != pair[0])
            {
                continue;
            }
            var i = start + 1;
            if (At(text, i) == ' ')
            {
                i++;
            }
            if (i + word.Length > text.Length || string.CompareOrdinal(text, i, word, 0, word.Length) != 0)
            {
                return null;
            }
            i += word.Length;
            if (At(text, i) == ' ')
            {
                i++;
            }
            return At(text, i) == pair[1] ? i + 1 : null;
        }
        return null;
    }
}
