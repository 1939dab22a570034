using Npgsql;

namespace SeQuIn.Api.Data;

/// <summary>
/// A PostgreSQL session advisory lock held for the whole of a migrate run. EF's own migration lock covers only the
/// migrations; creating the history table, granting the runtime role and loading reference data check-then-write too,
/// and two runs at once would race on them (a duplicate catalog row, a framework loaded twice).
/// </summary>
/// <remarks>
/// The lock lives on a connection of its own, unpooled: it is released when the run ends, and also when the process
/// dies, since PostgreSQL ends the session with the socket. It is the database's lock, so it spans every instance.
/// </remarks>
public sealed class MigrationLock : IAsyncDisposable
{
    /// <summary>Advisory locks share one key space per database: the key is named, as the grants' lock is.</summary>
    private const string Key = "hashtext('sequin:migrate')";

    private readonly NpgsqlConnection _connection;

    private MigrationLock(NpgsqlConnection connection) => _connection = connection;

    public static async Task<MigrationLock> AcquireAsync(string connectionString, ILogger logger, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            if (!await ScalarAsync<bool>(connection, $"SELECT pg_try_advisory_lock({Key})", ct))
            {
                logger.LogInformation("Another instance is migrating this database; waiting for it to finish");
                // As long as the other run takes: no command time-out (the token, or the other session's end, ends the wait).
                await ScalarAsync<object>(connection, $"SELECT pg_advisory_lock({Key})", ct, timeoutSeconds: 0);
            }
            return new MigrationLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ScalarAsync<object>(_connection, $"SELECT pg_advisory_unlock({Key})", CancellationToken.None);
        }
        finally
        {
            // Closing the unpooled session releases the lock whether or not the unlock got through.
            await _connection.DisposeAsync();
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct, int? timeoutSeconds = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (timeoutSeconds is { } timeout)
        {
            command.CommandTimeout = timeout;
        }
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
