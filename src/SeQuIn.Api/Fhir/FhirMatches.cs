using System.Linq.Expressions;
using Expression = System.Linq.Expressions.Expression;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Data;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// The resources of one type that match a question, in the order of a unique text key: a search pages them
/// (<see cref="FhirApi.SearchSetAsync"/>), a bulk export cuts them into files at keys (<see cref="FhirExports"/>).
/// Both walk the same rows with the same mapping, so an exported resource is the one a search answers.
/// </summary>
public interface IFhirMatches
{
    Task<int> CountAsync(CancellationToken ct);

    /// <summary>Every key, in order, in one streamed query.</summary>
    IAsyncEnumerable<string> KeysAsync(CancellationToken ct);

    /// <summary>Up to <paramref name="take"/> resources whose keys come after <paramref name="after"/> and not after
    /// <paramref name="upTo"/> (either bound may be null), the key of the last one read, and whether more follow.</summary>
    Task<FhirMatchesPage> ReadAsync(string? after, string? upTo, int take, CancellationToken ct);
}

public sealed record FhirMatchesPage(IReadOnlyList<Resource> Resources, string? LastKey, bool More);

/// <summary>Matches over an EF query: <paramref name="rows"/> in <paramref name="key"/> order, a page at a time turned into
/// resources by <paramref name="toResources"/> (a fixed number of queries per page, never one per row).</summary>
public sealed class FhirMatches<T>(IQueryable<T> rows, Expression<Func<T, string>> key,
    Func<IReadOnlyList<T>, CancellationToken, Task<IReadOnlyList<Resource>>> toResources) : IFhirMatches
{
    private static readonly System.Reflection.MethodInfo Compare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    public Task<int> CountAsync(CancellationToken ct) => rows.CountAsync(ct);

    public IAsyncEnumerable<string> KeysAsync(CancellationToken ct) => rows.OrderBy(key).Select(key).AsAsyncEnumerable();

    public async Task<FhirMatchesPage> ReadAsync(string? after, string? upTo, int take, CancellationToken ct)
    {
        var read = await Bounded(after, upTo).OrderBy(key).Take(take + 1).ToListAsync(ct);
        var more = read.Count > take;
        var page = more ? read[..take] : read;
        var resources = page.Count == 0 ? [] : await toResources(page, ct);
        return new FhirMatchesPage(resources, page.Count == 0 ? null : key.Compile()(page[^1]), more);
    }

    /// <summary>key(row) &gt; after and key(row) &lt;= upTo, as expressions so that they run in SQL on the key's index.</summary>
    private IQueryable<T> Bounded(string? after, string? upTo)
    {
        var bounded = rows;
        if (after is not null)
        {
            bounded = bounded.Where(Comparing(after, Expression.GreaterThan));
        }
        if (upTo is not null)
        {
            bounded = bounded.Where(Comparing(upTo, Expression.LessThanOrEqual));
        }
        return bounded;
    }

    private Expression<Func<T, bool>> Comparing(string value, Func<Expression, Expression, BinaryExpression> comparison)
    {
        // A captured variable, not a constant, so that EF sends the bound as a query parameter.
        Expression<Func<string>> captured = () => value;
        var call = Expression.Call(Compare, key.Body, captured.Body);
        return Expression.Lambda<Func<T, bool>>(comparison(call, Expression.Constant(0)), key.Parameters[0]);
    }
}

/// <summary>
/// What a bulk export reads with: the database, whose grants decide what is visible, the request's (or the worker's)
/// services, and the window of change: resources changed after <paramref name="Since"/> (when given) and not after
/// <paramref name="Until"/> (the export's transactionTime).
/// </summary>
public sealed record FhirExportScope(SeQuInDbContext Db, Caller Caller, IServiceProvider Services, DateTimeOffset? Since, DateTimeOffset Until)
{
    /// <summary>Rows whose last change falls in the window.</summary>
    public IQueryable<T> Changed<T>(IQueryable<T> rows, Expression<Func<T, DateTimeOffset>> updatedAt)
    {
        var until = Until;
        var parameter = updatedAt.Parameters[0];
        Expression<Func<DateTimeOffset>> untilValue = () => until;
        rows = rows.Where(Expression.Lambda<Func<T, bool>>(Expression.LessThanOrEqual(updatedAt.Body, untilValue.Body), parameter));
        if (Since is { } since)
        {
            Expression<Func<DateTimeOffset>> sinceValue = () => since;
            rows = rows.Where(Expression.Lambda<Func<T, bool>>(Expression.GreaterThan(updatedAt.Body, sinceValue.Body), parameter));
        }
        return rows;
    }
}
