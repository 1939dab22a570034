using System.Text.Json;
using FluentValidation;

namespace SeQuIn.Api.Common;

/// <summary>
/// Marks a text query parameter that carries an enum name in the contract's kebab-case spelling. Minimal APIs
/// bind enums from the query with a case-sensitive Enum.TryParse of the C# name, which would make
/// <c>?status=active</c> fail while the JSON bodies say "active"; so such parameters are bound as text,
/// validated with <see cref="EnumQueryRules.IsEnumName{T, TEnum}"/> and documented as the enum's schema.
/// Like the JSON converter, the match ignores case.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class EnumQueryAttribute(Type enumType) : Attribute
{
    public Type EnumType { get; } = enumType;
}

/// <summary>
/// Marks a text member of an answer that holds an enum name in its kebab-case spelling (read as text, e.g. by
/// hand-written SQL): documented as the enum's schema, so clients get the list of values.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EnumTextAttribute(Type enumType) : Attribute
{
    public Type EnumType { get; } = enumType;
}

public static class EnumQuery
{
    public static string NameOf<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static bool TryParse<TEnum>(string? text, out TEnum? value) where TEnum : struct, Enum
    {
        value = null;
        if (text is null)
        {
            return true;
        }
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(NameOf(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        return false;
    }

    /// <summary>The parsed value of a parameter already checked by its validator.</summary>
    public static TEnum? Parse<TEnum>(string? text) where TEnum : struct, Enum =>
        TryParse<TEnum>(text, out var value) ? value : throw new ArgumentException($"'{text}' is not a {typeof(TEnum).Name}.");
}

public static class EnumQueryRules
{
    public static IRuleBuilderOptions<T, string?> IsEnumName<T, TEnum>(this IRuleBuilder<T, string?> rule) where TEnum : struct, Enum =>
        rule.Must(text => EnumQuery.TryParse<TEnum>(text, out _))
            .WithMessage("'{PropertyName}' must be one of: " + string.Join(", ", Enum.GetValues<TEnum>().Select(EnumQuery.NameOf)) + ".");
}
