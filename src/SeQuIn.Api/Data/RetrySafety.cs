using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SeQuIn.Api.Data;

/// <summary>
/// Tells whether a request that met a database fault may be run again without applying anything twice: it may,
/// as long as every change it sent was inside a transaction that had not begun to commit — the lost connection
/// rolled that back. A change sent on its own (auto-committed) or a commit under way may have been applied, so the
/// request is answered 503 instead, and the client's retry with its Idempotency-Key decides (ADR 0013).
/// </summary>
public sealed class RetrySafety : DbCommandInterceptor, IDbTransactionInterceptor
{
    public static readonly RetrySafety Interceptor = new();

    private static readonly AsyncLocal<Attempt?> Current = new();

    private RetrySafety()
    {
    }

    /// <summary>What one run of a request has sent so far.</summary>
    public sealed class Attempt
    {
        private volatile bool _mayHaveApplied;

        public bool MayHaveApplied => _mayHaveApplied;

        internal void MayHaveAppliedSomething() => _mayHaveApplied = true;
    }

    /// <summary>Starts watching one run of a request; what runs in it (the handler and its queries) reports here.</summary>
    public static Attempt Watch()
    {
        var attempt = new Attempt();
        Current.Value = attempt;
        return attempt;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Note(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Note(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Note(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Note(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Note(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        Current.Value?.MayHaveAppliedSomething();
        return result;
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Current.Value?.MayHaveAppliedSomething();
        return ValueTask.FromResult(result);
    }

    /// <summary>
    /// EF's queries begin with SELECT; anything else sent outside a transaction (SaveChanges of one row,
    /// ExecuteUpdate, hand-written SQL) commits on its own.
    /// </summary>
    private static void Note(DbCommand command)
    {
        if (Current.Value is { } attempt && command.Transaction is null
            && !command.CommandText.AsSpan().TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
        {
            attempt.MayHaveAppliedSomething();
        }
    }
}
