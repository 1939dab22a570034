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

    /// <summary>Exactly the months <see cref="TryParse"/> accepts, for the contract (it cannot backtrack).</summary>
    public const string Pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$";

    /// <summary>
    /// Any YYYY-MM, for months in answers: a trend ending at 2000-01 looks back into 1999 (found by the suite's
    /// response check), so answers are not held to the input range.
    /// </summary>
    public const string AnswerPattern = "^[0-9]{4}-(0[1-9]|1[0-2])$";

    /// <summary>The one rule for a month in a query: absent, or YYYY-MM.</summary>
    public static IRuleBuilderOptions<T, string?> IsMonth<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new MonthValidator<T>());

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}$", RegexOptions.NonBacktracking)]
    private static partial Regex Shape();
}

/// <summary>Marks the month rule, so that the contract can say <see cref="Months.Pattern"/> (Common/ValidationContract).</summary>
public interface IMonthValidator;

/// <summary><see cref="Months.IsMonth{T}"/> as a validator of its own rather than a Must, so that it can be read back.</summary>
public sealed class MonthValidator<T> : FluentValidation.Validators.PropertyValidator<T, string?>, IMonthValidator
{
    public override string Name => "MonthValidator";

    public override bool IsValid(ValidationContext<T> context, string? value) => value is null || Months.TryParse(value, out _);

    protected override string GetDefaultMessageTemplate(string errorCode) =>
        "'{PropertyName}' must be a month written YYYY-MM, from 2000-01 to 2999-12.";
}
