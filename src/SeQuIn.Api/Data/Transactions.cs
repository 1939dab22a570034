using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace SeQuIn.Api.Data;

/// <summary>
/// A handler's transaction, or a savepoint inside the one its caller already holds: a create with an
/// Idempotency-Key runs claim, change and kept answer in one transaction (ADR 0013), and the handler's own
/// "all or nothing" then holds within it. A refusal that returns without committing undoes only the handler's part.
/// </summary>
public static class Transactions
{
    public static async Task<IDbContextTransaction> BeginOrJoinTransactionAsync(this DatabaseFacade database, CancellationToken ct)
    {
        if (database.CurrentTransaction is not { } outer)
        {
            return await database.BeginTransactionAsync(ct);
        }
        var savepoint = "handler_" + Guid.NewGuid().ToString("N")[..12];
        await outer.CreateSavepointAsync(savepoint, ct);
        return new Savepoint(outer, savepoint, (NpgsqlConnection)database.GetDbConnection());
    }

    /// <summary>Commit releases the savepoint; rollback, or dispose without commit, goes back to it.</summary>
    private sealed class Savepoint(IDbContextTransaction outer, string name, NpgsqlConnection connection) : IDbContextTransaction
    {
        private bool _done;

        public Guid TransactionId => outer.TransactionId;

        public void Commit() => CommitAsync().GetAwaiter().GetResult();

        public async Task CommitAsync(CancellationToken cancellationToken = default)
        {
            await outer.ReleaseSavepointAsync(name, cancellationToken);
            _done = true;
        }

        public void Rollback() => RollbackAsync().GetAwaiter().GetResult();

        public async Task RollbackAsync(CancellationToken cancellationToken = default)
        {
            await outer.RollbackToSavepointAsync(name, cancellationToken);
            _done = true;
        }

        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

        public async ValueTask DisposeAsync()
        {
            // A broken connection has lost the whole transaction already; the fault that broke it is what the
            // caller must see, not a second one from a rollback that cannot be sent.
            if (!_done && connection.FullState == System.Data.ConnectionState.Open)
            {
                await outer.RollbackToSavepointAsync(name);
            }
            _done = true;
        }
    }
}
