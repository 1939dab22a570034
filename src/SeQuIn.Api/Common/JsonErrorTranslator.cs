using System.Text.Json;
using System.Text.RegularExpressions;

namespace SeQuIn.Api.Common;

/// <summary>
/// Turns a System.Text.Json failure into a field name that matches the JSON the client sent and a message
/// that names no .NET type, so that a malformed body reads like any other validation error.
/// </summary>
public static partial class JsonErrorTranslator
{
    public const string BodyField = "body";

    public static (string Field, string Message) Translate(JsonException exception)
    {
        var path = FieldFromPath(exception.Path);
        var message = exception.Message;

        if (UnknownMember().Match(message) is { Success: true } unknown)
        {
            var name = unknown.Groups[1].Value;
            return (Join(ParentOf(path, name), name), $"'{name}' is not a recognised member.");
        }
        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            var names = QuotedNames().Matches(missing.Groups[1].Value).Select(m => m.Groups[1].Value).ToList();
            var first = names.FirstOrDefault() ?? "value";
            var field = Join(path, JsonNamingPolicy.CamelCase.ConvertName(first));
            return (field, names.Count > 1
                ? $"Required members are missing: {string.Join(", ", names.Select(n => $"'{JsonNamingPolicy.CamelCase.ConvertName(n)}'"))}."
                : $"'{JsonNamingPolicy.CamelCase.ConvertName(first)}' is required.");
        }
        if (NullNotAllowed().Match(message) is { Success: true } nullMember)
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(nullMember.Groups[1].Value);
            return (Join(ParentOf(path, name), name), $"'{name}' must not be null.");
        }
        if (NotConvertible().Match(message) is { Success: true } conversion)
        {
            return (path.Length == 0 ? BodyField : path, ExpectationFor(TargetType(conversion.Groups[1].Value, path)));
        }
        // Anything else is a syntax error: the reader's position is more use than the path it had reached.
        return (BodyField, "The request body is not valid JSON" + (exception.LineNumber is { } line
            ? $" (line {line + 1}, position {exception.BytePositionInLine + 1})."
            : "."));
    }

    /// <summary>"$.areas[0].code" becomes "areas[0].code"; the root becomes "".</summary>
    public static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "";
        }
        var trimmed = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return trimmed.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
    }

    private static string ParentOf(string path, string member) =>
        path == member || path.EndsWith("." + member, StringComparison.Ordinal)
            ? path[..Math.Max(0, path.Length - member.Length - 1)]
            : path;

    private static string Join(string parent, string member) => parent.Length == 0 ? member : $"{parent}.{member}";

    /// <summary>
    /// The message names the type being read; for a record bound through its constructor that is the record
    /// holding the member, so the member named last in the path gives the type the client got wrong.
    /// </summary>
    private static Type? TargetType(string typeName, string path)
    {
        var named = typeof(JsonErrorTranslator).Assembly.GetType(typeName) ?? Type.GetType(typeName);
        var last = path.Split('.').LastOrDefault() ?? "";
        var isElement = last.EndsWith(']');
        var member = isElement ? last[..last.IndexOf('[')] : last;
        if (named is null || named.IsEnum || member.Length == 0 ||
            named.GetProperty(member, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance |
                System.Reflection.BindingFlags.IgnoreCase) is not { } property)
        {
            return named;
        }
        var type = property.PropertyType;
        if (isElement)
        {
            type = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().FirstOrDefault() ?? type;
        }
        return type;
    }

    private static string ExpectationFor(Type? type)
    {
        var core = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return core switch
        {
            null => "The value is not valid here.",
            _ when core == typeof(int) || core == typeof(long) || core == typeof(short) => "The value must be a whole number.",
            _ when core == typeof(decimal) || core == typeof(double) || core == typeof(float) => "The value must be a number.",
            _ when core == typeof(bool) => "The value must be true or false.",
            _ when core == typeof(string) => "The value must be a string.",
            _ when core == typeof(Guid) => "The value must be a UUID.",
            _ when core == typeof(DateTimeOffset) || core == typeof(DateTime) => "The value must be an ISO 8601 date and time.",
            _ when core == typeof(DateOnly) => "The value must be an ISO 8601 date (YYYY-MM-DD).",
            { IsEnum: true } => "The value must be one of: " +
                string.Join(", ", Enum.GetNames(core).Select(JsonNamingPolicy.KebabCaseLower.ConvertName)) + ".",
            _ when core.IsArray || (core.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(core)) =>
                "The value must be an array.",
            _ => "The value must be an object.",
        };
    }

    [GeneratedRegex(@"^The JSON property '([^']+)' could not be mapped", RegexOptions.NonBacktracking)]
    private static partial Regex UnknownMember();

    [GeneratedRegex(@"was missing required properties including: (.+)\.$", RegexOptions.NonBacktracking)]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"'([^']+)'", RegexOptions.NonBacktracking)]
    private static partial Regex QuotedNames();

    [GeneratedRegex(@"^The (?:property or field|constructor parameter) '([^']+)' on type '[^']+' doesn't allow", RegexOptions.NonBacktracking)]
    private static partial Regex NullNotAllowed();

    [GeneratedRegex(@"^The JSON value could not be converted to ([^\s]+?)\.? Path:", RegexOptions.NonBacktracking)]
    private static partial Regex NotConvertible();

}
