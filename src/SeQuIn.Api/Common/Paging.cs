using System.ComponentModel;
using System.Text;
using FluentValidation;

namespace SeQuIn.Api.Common;

/// <summary>One page of a list. Follow <c>nextCursor</c> until it is null to read the whole list; there is no other cap.</summary>
/// <param name="Items">The items of this page, in a stable order.</param>
/// <param name="NextCursor">Opaque cursor for the next page, or null on the last page.</param>
/// <param name="Limit">The page size that was applied.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor, int Limit);

/// <summary>Keyset paging over a unique, ordered text key. The cursor is opaque to clients.</summary>
public static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static int LimitOrDefault(int? limit) => limit ?? DefaultLimit;

    public static string Encode(string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("k:" + lastKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string? cursor, out string? afterKey)
    {
        afterKey = null;
        if (cursor is null)
        {
            return true;
        }
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            if (!text.StartsWith("k:", StringComparison.Ordinal))
            {
                return false;
            }
            afterKey = text[2..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Builds a page from up to limit + 1 rows read in key order.</summary>
    public static Page<T> ToPage<T>(List<T> rowsPlusOne, int limit, Func<T, string> key)
    {
        var hasMore = rowsPlusOne.Count > limit;
        var items = hasMore ? rowsPlusOne[..limit] : rowsPlusOne;
        return new Page<T>(items, hasMore ? Encode(key(items[^1])) : null, limit);
    }
}

/// <summary>The paging members every list query carries.</summary>
public interface IPagedQuery
{
    [Description("Page size, 1 to 1000 (default 100).")]
    int? Limit { get; }

    [Description("The nextCursor of the previous page.")]
    string? Cursor { get; }
}

public static class PagedQueryRules
{
    public static void AddPagingRules<T>(this AbstractValidator<T> validator) where T : IPagedQuery
    {
        validator.RuleFor(q => q.Limit).InclusiveBetween(1, Paging.MaxLimit);
        validator.RuleFor(q => q.Cursor)
            .Must(c => Paging.TryDecode(c, out _)).WithMessage("'cursor' is not a cursor this service issued.");
    }
}
