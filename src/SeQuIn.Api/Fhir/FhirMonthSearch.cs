using SeQuIn.Api.Assessments;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// A FHIR date search value at month precision (`authored`, `period`): an optional prefix eq, ge, gt, le or lt, then
/// YYYY-MM. SeQuIn's months are whole months, so each prefix is exact at that precision (eq2026-10 is October
/// 2026; gt2026-10 starts with November). Pure.
/// </summary>
public static class FhirMonthSearch
{
    public static readonly string[] Prefixes = ["eq", "ge", "gt", "le", "lt"];

    public const string Rule = "must be a month YYYY-MM, optionally after one of the prefixes eq, ge, gt, le, lt (e.g. ge2026-01); give it twice for a range (ge2026-01 and le2026-06)";

    public static bool TryParse(string? value, out string prefix, out DateOnly month)
    {
        (prefix, month) = ("eq", default);
        if (value is null)
        {
            return false;
        }
        if (value.Length > 2 && char.IsAsciiLetter(value[0]))
        {
            prefix = value[..2];
            value = value[2..];
            if (!Prefixes.Contains(prefix, StringComparer.Ordinal))
            {
                return false;
            }
        }
        return Months.TryParse(value, out month);
    }

    /// <summary>The months every value matches (FHIR ANDs repeated parameters): the latest first month and the earliest last month.</summary>
    public static (DateOnly? From, DateOnly? To) Range(IEnumerable<string> values)
    {
        DateOnly? from = null, to = null;
        foreach (var (first, last) in values.Select(Range))
        {
            from = first is null ? from : from is null || first > from ? first : from;
            to = last is null ? to : to is null || last < to ? last : to;
        }
        return (from, to);
    }

    /// <summary>The months that match, as a first month and a last month (either open).</summary>
    public static (DateOnly? From, DateOnly? To) Range(string value)
    {
        if (!TryParse(value, out var prefix, out var month))
        {
            throw new FormatException($"'{value}' {Rule}.");
        }
        return prefix switch
        {
            "ge" => (month, null),
            "gt" => (month.AddMonths(1), null),
            "le" => (null, month),
            "lt" => (null, month.AddMonths(-1)),
            _ => (month, month),
        };
    }
}
