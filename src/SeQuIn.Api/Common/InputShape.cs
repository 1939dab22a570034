using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using FluentValidation.Results;

namespace SeQuIn.Api.Common;

/// <summary>
/// Two rules every request body obeys, checked once for all of them before their validators run: no null item in
/// a list whose items the contract says are never null (<c>{"ratings":[null]}</c>), and no NUL character in any
/// text (PostgreSQL cannot store U+0000 in text). System.Text.Json enforces nullability for members but not for
/// list items, and a validator written for items would otherwise meet a null. One walk over what was bound, so
/// linear in the size of the body.
/// </summary>
public static class InputShape
{
    private static readonly ConcurrentDictionary<PropertyInfo, bool> ItemsMayBeNull = new();
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public static List<ValidationFailure> Check(object argument)
    {
        var failures = new List<ValidationFailure>();
        Walk(argument, "", failures, depth: 0);
        return failures;
    }

    /// <summary>Whether a type is one of the service's own request records (the only graphs worth walking).</summary>
    public static bool IsContract(Type type) =>
        type.Namespace?.StartsWith("SeQuIn.Api", StringComparison.Ordinal) == true && type is { IsClass: true } && type != typeof(string);

    private static void Walk(object value, string path, List<ValidationFailure> failures, int depth)
    {
        if (depth > 64)
        {
            return; // System.Text.Json refuses deeper bodies before binding; this is only a guard.
        }
        foreach (var property in Properties.GetOrAdd(value.GetType(), t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p is { CanRead: true, CanWrite: true } && p.GetIndexParameters().Length == 0).ToArray())) // bound members, not computed ones
        {
            var name = path.Length == 0 ? property.Name : path + "." + property.Name;
            switch (property.GetValue(value))
            {
                case string text:
                    CheckText(text, name, failures);
                    break;
                case IEnumerable items and not IDictionary:
                    var index = 0;
                    foreach (var item in items)
                    {
                        var itemName = $"{name}[{index++}]";
                        if (item is null)
                        {
                            if (!ItemsMayBeNull.GetOrAdd(property, ItemsNullable))
                            {
                                failures.Add(new ValidationFailure(itemName, $"'{ValidationFilter.FieldName(itemName)}' must not be null."));
                            }
                        }
                        else if (item is string itemText)
                        {
                            CheckText(itemText, itemName, failures);
                        }
                        else if (IsContract(item.GetType()))
                        {
                            Walk(item, itemName, failures, depth + 1);
                        }
                    }
                    break;
                case { } child when IsContract(child.GetType()):
                    Walk(child, name, failures, depth + 1);
                    break;
            }
        }
    }

    private static void CheckText(string text, string name, List<ValidationFailure> failures)
    {
        if (text.Contains('\0'))
        {
            failures.Add(new ValidationFailure(name, $"'{ValidationFilter.FieldName(name)}' must not contain the NUL character (U+0000)."));
        }
    }

    private static bool ItemsNullable(PropertyInfo property)
    {
        // NullabilityInfoContext is not thread-safe: one per question, answered once per property and cached.
        var info = new NullabilityInfoContext().Create(property);
        var item = info.ElementType ?? info.GenericTypeArguments.FirstOrDefault();
        return item is null || item.ReadState != NullabilityState.NotNull;
    }
}
