using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Data;

/// <summary>The role the service connects as at run time (ADR 0005).</summary>
/// <param name="RuntimeRole"><c>SeQuIn:Database:RuntimeRole</c>: the role <c>migrate</c> grants the service's privileges to.</param>
/// <param name="RuntimePassword">
/// The password <c>migrate</c> gives the role if it has to create it: the one in <c>ConnectionStrings:SeQuIn</c> when that
/// connection names the same user, so the secret is configured once.
/// </param>
public sealed record DatabaseRoleOptions(string RuntimeRole = DatabaseRoleOptions.DefaultRuntimeRole, string? RuntimePassword = null)
{
    public const string DefaultRuntimeRole = "sequin_app";

    public static DatabaseRoleOptions From(IConfiguration configuration)
    {
        var role = configuration["SeQuIn:Database:RuntimeRole"] is { Length: > 0 } configured ? configured : DefaultRuntimeRole;
        var runtime = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(DatabaseSetup.RuntimeConnection) ?? "");
        return new DatabaseRoleOptions(role, runtime.Username == role ? runtime.Password : null);
    }
}

/// <summary>
/// Grants the runtime role what the service does to each table and nothing more, as the owner, after every
/// migration. The grants are recomputed from nothing each time (REVOKE ALL, then GRANT), so re-running converges and
/// a privilege removed here is removed from the database too. Tables a later migration adds get read and write
/// (ALTER DEFAULT PRIVILEGES as well as here) unless they are named below.
/// </summary>
public static class DatabaseRoles
{
    private const string ReadWrite = "SELECT, INSERT, UPDATE, DELETE";

    /// <summary>Tables the service must not treat as ordinary read-write rows, and what it may do to them.</summary>
    private static readonly (Type Entity, string Privileges)[] Restricted =
    [
        // Append-only: history and comments on a submission are never rewritten, whoever holds the service's credentials.
        (typeof(AuditEvent), "SELECT, INSERT"),
        (typeof(Comment), "SELECT, INSERT"),
        // Written only by the summary trigger, which runs as the owner (SECURITY DEFINER): summaries cannot be forged.
        (typeof(AreaResultRow), "SELECT"),
        (typeof(StandardResultRow), "SELECT"),
        // Never deleted by the service: keys and memberships are revoked, organisations and assessments kept, ratings
        // changed in place. (Deletes that cascade from a parent run as the owner, as every foreign-key action does.)
        (typeof(Network), "SELECT, INSERT, UPDATE"),
        (typeof(Collaborative), "SELECT, INSERT, UPDATE"),
        (typeof(Provider), "SELECT, INSERT, UPDATE"),
        (typeof(Unit), "SELECT, INSERT, UPDATE"),
        (typeof(ApiKey), "SELECT, INSERT, UPDATE"),
        (typeof(Membership), "SELECT, INSERT, UPDATE"),
        (typeof(Assessment), "SELECT, INSERT, UPDATE"),
        (typeof(Rating), "SELECT, INSERT, UPDATE"),
        // What families said is moderated, never deleted; a share code is replaced in place.
        (typeof(Families.FamilyResponse), "SELECT, INSERT, UPDATE"),
        (typeof(Families.FamilyShareCode), "SELECT, INSERT, UPDATE"),
        (typeof(Framework.FrameworkComment), "SELECT, INSERT, UPDATE"), // declined, never deleted (ADR 0030)
        (typeof(Buddying.BuddyPairing), "SELECT, INSERT, UPDATE"), // outcomes recorded, never deleted (ADR 0036)
        // Actions are dropped with a reason, never deleted; leads' comments on them are never rewritten; priorities are
        // closed, never deleted (ADR 0034). Links between priorities and actions are unlinked: read-write.
        (typeof(Actions.ImprovementAction), "SELECT, INSERT, UPDATE"),
        (typeof(Actions.ActionComment), "SELECT, INSERT"),
        (typeof(Actions.NetworkPriority), "SELECT, INSERT, UPDATE"),
    ];

    /// <summary>
    /// Makes <paramref name="options"/>' runtime role exist (creating it when the connected owner may create roles)
    /// and hold exactly the service's privileges; then checks that it cannot reach past them.
    /// </summary>
    public static async Task GrantAsync(SeQuInDbContext ownerDb, DatabaseRoleOptions options, ILogger logger, CancellationToken ct = default)
    {
        var role = QuoteIdentifier(options.RuntimeRole);
        await ownerDb.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = ownerDb.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(ct);
            // Two migrate runs at once (replicas migrating on start-up) would otherwise race on the same catalog rows.
            await ScalarAsync<object>(connection, "SELECT pg_advisory_xact_lock(hashtext('sequin:runtime-role-grants'))", ct);
            var owner = await ScalarAsync<string>(connection, "SELECT current_user::text", ct);
            if (owner == options.RuntimeRole)
            {
                throw new InvalidOperationException(
                    $"The runtime role '{options.RuntimeRole}' is the role migrations run as: connect migrations as the owner " +
                    "(ConnectionStrings:SeQuInOwner) and the service as another role (ConnectionStrings:SeQuIn, SeQuIn:Database:RuntimeRole).");
            }
            if (!await ScalarAsync<bool>(connection, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", ct, options.RuntimeRole))
            {
                await CreateRuntimeRoleAsync(connection, owner, options, logger, ct);
            }

            var tables = new List<string>();
            await using (var list = Command(connection, "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"))
            await using (var reader = await list.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    tables.Add(reader.GetString(0));
                }
            }
            var privileges = Restricted.ToDictionary(r => ownerDb.Model.FindEntityType(r.Entity)!.GetTableName()!, r => r.Privileges);
            privileges[HistoryRepository.DefaultTableName] = "SELECT"; // readiness compares the applied migrations
            privileges["change_events"] = "SELECT, INSERT"; // the change feed's outbox: appended to, never rewritten

            var sql = new List<string>
            {
                // PostgreSQL 14 and older let every role create objects in public; the owner's migrations are the only DDL.
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                $"GRANT USAGE ON SCHEMA public TO {role}",
                $"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
                $"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}",
                $"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM {role}",
                $"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}",
                // The one function the service calls itself: a history import refreshes its summaries set-wise. It runs as
                // the owner and only recomputes summaries from stored assessments, so calling it forges nothing.
                $"GRANT EXECUTE ON FUNCTION refresh_benchmark_summaries_of(uuid[]) TO {role}",
                $"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {ReadWrite} ON TABLES TO {role}",
                $"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO {role}",
            };
            sql.AddRange(tables.Select(t => $"GRANT {privileges.GetValueOrDefault(t, ReadWrite)} ON TABLE {QuoteIdentifier(t)} TO {role}"));
            foreach (var statement in sql)
            {
                await using var command = Command(connection, statement);
                await command.ExecuteNonQueryAsync(ct);
            }

            await CheckLeastPrivilegeAsync(connection, options.RuntimeRole, ct);
            await transaction.CommitAsync(ct);
            logger.LogInformation("Runtime role {Role}: privileges granted on {Tables} tables ({Restricted} restricted)",
                options.RuntimeRole, tables.Count, tables.Count(privileges.ContainsKey));
        }
        finally
        {
            await ownerDb.Database.CloseConnectionAsync();
        }
    }

    private static async Task CreateRuntimeRoleAsync(DbConnection connection, string owner, DatabaseRoleOptions options, ILogger logger,
        CancellationToken ct)
    {
        if (!await ScalarAsync<bool>(connection, "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user", ct))
        {
            throw new InvalidOperationException(
                $"The runtime role '{options.RuntimeRole}' does not exist and '{owner}' may not create roles. Create it as an administrator: " +
                $"CREATE ROLE {QuoteIdentifier(options.RuntimeRole)} LOGIN PASSWORD '…' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; then run migrate again.");
        }
        // format() quotes the name and the password on the server, so neither is ever spliced into SQL here.
        var create = await ScalarAsync<string>(connection,
            "SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', $1::text)" +
            " || CASE WHEN $2::text IS NULL THEN '' ELSE format(' PASSWORD %L', $2::text) END",
            ct, options.RuntimeRole, options.RuntimePassword);
        await using var command = Command(connection, create);
        await command.ExecuteNonQueryAsync(ct);
        logger.LogInformation("Created the runtime role {Role} ({Password})", options.RuntimeRole,
            options.RuntimePassword is null ? "no password" : "password from ConnectionStrings:SeQuIn");
    }

    /// <summary>Refuses a runtime role that could alter the audit trail or give itself the means to.</summary>
    private static async Task CheckLeastPrivilegeAsync(DbConnection connection, string role, CancellationToken ct)
    {
        await using var command = Command(connection, """
            SELECT r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
                   pg_has_role(r.oid, current_user, 'MEMBER'),
                   has_schema_privilege(r.oid, 'public', 'CREATE'),
                   (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid AND c.relnamespace = 'public'::regnamespace)
                   + (SELECT count(*) FROM pg_proc p WHERE p.proowner = r.oid AND p.pronamespace = 'public'::regnamespace)
            FROM pg_roles r WHERE r.rolname = $1
            """, role);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var problems = new[]
        {
            (reader.GetBoolean(0), "is a superuser"),
            (reader.GetBoolean(1), "bypasses row security"),
            (reader.GetBoolean(2), "may create roles"),
            (reader.GetBoolean(3), "may create databases"),
            (reader.GetBoolean(4), "is a member of the owner role"),
            (reader.GetBoolean(5), "may create objects in schema public"),
            (reader.GetInt64(6) > 0, "owns tables or functions in schema public"),
        }.Where(p => p.Item1).Select(p => p.Item2).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"The runtime role '{role}' {string.Join(", ", problems)}: it could rewrite the audit trail. Give the service a role without " +
                "these attributes (ALTER ROLE … NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB, REVOKE the membership, " +
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC as the schema's owner, REASSIGN OWNED to the owner).");
        }
    }

    /// <summary>A PostgreSQL quoted identifier: any name is safe inside double quotes once its own quotes are doubled.</summary>
    private static string QuoteIdentifier(string name)
    {
        if (name.Length is 0 or > 63 || name.Contains('\0'))
        {
            throw new InvalidOperationException($"'{name}' is not a PostgreSQL role or table name (1 to 63 characters).");
        }
        return "\"" + name.Replace("\"", "\"\"") + "\"";
    }

    private static NpgsqlCommand Command(DbConnection connection, string sql, params object?[] parameters)
    {
        var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }
        return command;
    }

    private static async Task<T> ScalarAsync<T>(DbConnection connection, string sql, CancellationToken ct, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
