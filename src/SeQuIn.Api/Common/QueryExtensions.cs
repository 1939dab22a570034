using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace SeQuIn.Api.Common;

public static class QueryExtensions
{
    public static IQueryable<T> WhereIf<T>(this IQueryable<T> source, bool condition, Expression<Func<T, bool>> predicate) =>
        condition ? source.Where(predicate) : source;

    /// <summary>
    /// Reads one keyset page ordered by a unique text key: limit + 1 rows tell whether another page follows.
    /// The query is assumed validated (limit in range, cursor decodable).
    /// </summary>
    public static async Task<Page<TResult>> ToPageAsync<T, TResult>(this IQueryable<T> source, IPagedQuery query,
        Expression<Func<T, string>> key, Func<T, TResult> map, CancellationToken ct)
    {
        var limit = Paging.LimitOrDefault(query.Limit);
        Paging.TryDecode(query.Cursor, out var after);
        if (after is not null)
        {
            // key(row) > after, built as an expression so that it runs in SQL on the key's index.
            var parameter = key.Parameters[0];
            var comparison = Expression.GreaterThan(
                Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!,
                    key.Body, AsParameter(after)),
                Expression.Constant(0));
            source = source.Where(Expression.Lambda<Func<T, bool>>(comparison, parameter));
        }
        var rows = await source.OrderBy(key).Take(limit + 1).ToListAsync(ct);
        var page = Paging.ToPage(rows, limit, key.Compile());
        return new Page<TResult>(page.Items.Select(map).ToList(), page.NextCursor, limit);
    }

    // A captured variable, not a constant, so that EF sends the cursor as a query parameter.
    private static Expression AsParameter(string value)
    {
        Expression<Func<string>> captured = () => value;
        return captured.Body;
    }
}
