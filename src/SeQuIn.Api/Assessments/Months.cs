using System.Globalization;
using FluentValidation;
using System.Text.RegularExpressions;

namespace SeQuIn.Api.Assessments;

/// <summary>Months travel as "YYYY-MM" and are stored as their first day. Pure.</summary>
public static partial class Months
{
    public static bool TryParse(string? text, out DateOnly month)
    {
        month = default;
        if (text is null || !Shape().IsMatch(text))
        {
            return false;
        }
        var year = int.Parse(text[..4], CultureInfo.InvariantCulture);
        var number = int.Parse(text[5..], CultureInfo.InvariantCulture);
        // SeQuIn's data starts this century; a bound at the other end keeps month arithmetic (next month, a year back) in range.
        if (year is < 2000 or > 2999 || number is < 1 or > 12)
        {
            return false;
        }
        month = new DateOnly(year, number, 1);
        return true;
    }

    public static DateOnly Parse(string text) =>
        TryParse(text, out var month) ? month : throw new FormatException($"'{text}' is not a month (YYYY-MM).");

    public static string Format(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static DateOnly Current(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return new DateOnly(now.Year, now.Month, 1);
    }

    /// <summary>The one rule for a month in a query: absent, or YYYY-MM.</summary>
    public static IRuleBuilderOptions<T, string?> IsMonth<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(m => m is null || TryParse(m, out _))
            .WithMessage("'{PropertyName}' must be a month written YYYY-MM, from 2000-01 to 2999-12.");

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}$", RegexOptions.NonBacktracking)]
    private static partial Regex Shape();
}
