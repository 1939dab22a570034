using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Data;

/// <summary>
/// The service's own database credentials cannot rewrite history (ADR 0005): every statement here runs on a
/// connection made with exactly the connection string the shared host uses, the runtime role's.
/// </summary>
public sealed class DatabaseRoleTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Theory]
    [InlineData("UPDATE audit_events SET reason = 'rewritten' WHERE entity_id = @id")]
    [InlineData("DELETE FROM audit_events WHERE entity_id = @id")]
    [InlineData("TRUNCATE audit_events")]
    public async Task The_runtime_role_cannot_update_delete_or_truncate_audit_rows(string sql)
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N")));

        var refused = await RefusedAsync(sql, network.Id.ToString());

        Assert.Equal("permission denied for table audit_events", refused.MessageText);
        Assert.Equal(1, await CountAsOwnerAsync($"SELECT count(*) FROM audit_events WHERE entity_id = '{network.Id}' AND reason IS NULL"));
    }

    [Theory]
    [InlineData("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete")]
    [InlineData("ALTER TABLE audit_events DISABLE TRIGGER ALL")]
    [InlineData("DROP TRIGGER audit_events_no_update_or_delete ON audit_events")]
    [InlineData("ALTER TABLE comments DISABLE TRIGGER comments_no_update_or_delete")]
    public async Task The_runtime_role_cannot_switch_off_a_trigger(string sql)
    {
        var refused = await RefusedAsync(sql);

        // "table" for ALTER TABLE, "relation" for DROP TRIGGER: either way, only the owner may.
        Assert.StartsWith("must be owner of ", refused.MessageText);
    }

    [Fact]
    public async Task The_runtime_role_cannot_set_session_replication_role_to_skip_triggers()
    {
        var refused = await RefusedAsync("SET session_replication_role = replica");

        Assert.Equal("permission denied to set parameter \"session_replication_role\"", refused.MessageText);
    }

    [Theory]
    [InlineData("CREATE TABLE public.shadow (id int)")]
    [InlineData("CREATE FUNCTION public.shadow() RETURNS int LANGUAGE sql AS 'SELECT 1'")]
    [InlineData("CREATE SCHEMA shadow")]
    public async Task The_runtime_role_cannot_create_objects(string sql)
    {
        var refused = await RefusedAsync(sql);

        Assert.StartsWith("permission denied for", refused.MessageText);
    }

    [Fact]
    public async Task The_runtime_role_cannot_become_the_owner()
    {
        var refused = await RefusedAsync($"SET ROLE {TestPostgres.OwnerRole}");

        Assert.Equal($"permission denied to set role \"{TestPostgres.OwnerRole}\"", refused.MessageText);
    }

    [Fact]
    public async Task The_runtime_role_is_not_a_superuser_and_owns_nothing()
    {
        await using var connection = await OpenAsRuntimeAsync();
        await using var command = new NpgsqlCommand("""
            SELECT current_user::text, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication,
                   (SELECT count(*) FROM pg_class WHERE relowner = r.oid) + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)
                   + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid) + (SELECT count(*) FROM pg_type WHERE typowner = r.oid)
                   + (SELECT count(*) FROM pg_database WHERE datdba = r.oid)
            FROM pg_roles r WHERE rolname = current_user
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();

        Assert.Equal(TestPostgres.RuntimeRole, reader.GetString(0));
        Assert.Equal((false, false, false, false, false),
            (reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetBoolean(4), reader.GetBoolean(5)));
        Assert.Equal(0, reader.GetInt64(6));
    }

    [Theory]
    [InlineData("UPDATE comments SET text = 'changed' WHERE id = @id")]
    [InlineData("DELETE FROM comments WHERE id = @id")]
    [InlineData("TRUNCATE comments")]
    public async Task The_runtime_role_cannot_change_or_remove_a_comment(string sql)
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var (submitted, _) = await world.Member.CreateSubmittedAsync();
        var comment = await ReadAsync<CommentResponse>(await world.Lead.PostAsJsonAsync($"/api/v1/assessments/{submitted.Id}/comments",
            new CommentRequest("Lovely example for the network."), JsonOptions));

        var refused = await RefusedAsync(sql, comment.Id);

        Assert.Equal("permission denied for table comments", refused.MessageText);
        Assert.Equal(1, await CountAsOwnerAsync($"SELECT count(*) FROM comments WHERE id = '{comment.Id}' AND text = 'Lovely example for the network.'"));
    }

    [Theory]
    [InlineData("DELETE FROM area_results")]
    [InlineData("UPDATE standard_results SET value = 4")]
    [InlineData("INSERT INTO area_results SELECT * FROM area_results LIMIT 1")]
    [InlineData("SELECT refresh_benchmark_summaries(NULL)")]
    public async Task The_runtime_role_cannot_write_or_rebuild_the_benchmark_summaries(string sql)
    {
        var refused = await RefusedAsync(sql);

        Assert.StartsWith("permission denied for", refused.MessageText);
    }

    [Fact]
    public async Task A_submission_through_the_service_still_writes_its_summary()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);

        var (submitted, _) = await world.Member.CreateSubmittedAsync();

        Assert.Equal(1, await CountAsOwnerAsync($"SELECT count(*) FROM area_results WHERE assessment_id = '{submitted.Id}'"));
        Assert.True(await CountAsOwnerAsync($"SELECT count(*) FROM standard_results WHERE assessment_id = '{submitted.Id}'") > 0);
    }

    [Fact]
    public async Task Migrating_again_takes_back_a_privilege_granted_by_hand_and_leaves_the_rest_as_it_was()
    {
        var database = await EmptyDatabaseAsync(TestPostgres.OwnerRole);
        await MigrateAsync(database, TestPostgres.RuntimeRole);
        var granted = await GrantsAsync(database);
        await ExecuteAsync(Fixture.Postgres.ConnectionString(database, TestPostgres.OwnerRole),
            $"GRANT UPDATE, DELETE ON audit_events TO {TestPostgres.RuntimeRole}; GRANT CREATE ON SCHEMA public TO PUBLIC");

        await MigrateAsync(database, TestPostgres.RuntimeRole);

        Assert.Equal(granted, await GrantsAsync(database));
        Assert.Contains("audit_events: INSERT, SELECT", granted);
        Assert.Contains("comments: INSERT, SELECT", granted);
        Assert.Contains("area_results: SELECT", granted);
        Assert.Contains("units: INSERT, SELECT, UPDATE", granted);
        Assert.Contains("participants: DELETE, INSERT, SELECT, UPDATE", granted);
        Assert.Contains("__EFMigrationsHistory: SELECT", granted);
    }

    [Fact]
    public async Task Migrate_creates_a_missing_runtime_role_when_the_owner_may_create_roles()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (owner, runtime) = ($"owner_{suffix}", $"app_{suffix}");
        await ExecuteAsync(Fixture.Postgres.ConnectionString("postgres"), $"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD 'sequin-test'");
        var database = await EmptyDatabaseAsync(owner);

        await MigrateAsync(database, runtime, owner, password: "secret");

        Assert.Equal(1, await CountAsync(Fixture.Postgres.ConnectionString("postgres"), $"""
            SELECT count(*) FROM pg_authid WHERE rolname = '{runtime}' AND rolcanlogin AND rolpassword IS NOT NULL
              AND NOT (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls)
            """));
        Assert.Equal(1, await CountAsync(Fixture.Postgres.ConnectionString(database),
            $"SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = '{runtime}' AND table_name = 'audit_events' AND privilege_type = 'INSERT'"));
    }

    [Fact]
    public async Task Migrate_says_how_to_make_a_missing_runtime_role_when_the_owner_may_not()
    {
        var database = await EmptyDatabaseAsync(TestPostgres.OwnerRole);
        var missing = $"app_{Guid.NewGuid().ToString("N")[..8]}";

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => MigrateAsync(database, missing));

        Assert.Contains($"CREATE ROLE \"{missing}\" LOGIN", refused.Message);
    }

    [Fact]
    public async Task Migrate_refuses_a_runtime_role_that_is_a_superuser()
    {
        var database = await EmptyDatabaseAsync(TestPostgres.OwnerRole);
        var administrator = new NpgsqlConnectionStringBuilder(Fixture.Postgres.ConnectionString("postgres")).Username!;

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => MigrateAsync(database, administrator));

        Assert.Contains("is a superuser", refused.Message);
    }

    [Fact]
    public async Task A_service_connected_as_the_owner_warns_at_start_up_and_one_connected_as_the_runtime_role_does_not()
    {
        await using var asOwner = new SeQuInApp(Fixture.App.OwnerConnectionString);
        using var client = asOwner.CreateClient();

        Assert.Contains(asOwner.Logs.Lines, line => line.StartsWith("Warning") && line.Contains($"as {TestPostgres.OwnerRole}, a superuser or the owner"));
        Assert.DoesNotContain(Fixture.App.Logs.Lines, line => line.Contains("a superuser or the owner"));
    }

    private async Task<NpgsqlConnection> OpenAsRuntimeAsync()
    {
        var connection = new NpgsqlConnection(Fixture.App.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs <paramref name="sql"/> as the runtime role and returns PostgreSQL's refusal: 42501, insufficient privilege.</summary>
    private async Task<PostgresException> RefusedAsync(string sql, object? id = null)
    {
        await using var connection = await OpenAsRuntimeAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (id is not null)
        {
            command.Parameters.AddWithValue("id", id);
        }
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.True(refused.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{refused.SqlState}: {refused.MessageText}");
        return refused;
    }

    private Task<long> CountAsOwnerAsync(string sql) => CountAsync(Fixture.App.OwnerConnectionString, sql);

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>"table: PRIVILEGE, …" for every table the runtime role may touch, and whether it may create in public.</summary>
    private async Task<List<string>> GrantsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(Fixture.Postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            SELECT table_name || ': ' || string_agg(privilege_type, ', ' ORDER BY privilege_type)
            FROM information_schema.role_table_grants WHERE grantee = '{TestPostgres.RuntimeRole}' GROUP BY table_name
            UNION ALL
            SELECT 'create in public: ' || has_schema_privilege('{TestPostgres.RuntimeRole}', 'public', 'CREATE')
            ORDER BY 1
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var grants = new List<string>();
        while (await reader.ReadAsync())
        {
            grants.Add(reader.GetString(0));
        }
        return grants;
    }

    private async Task<string> EmptyDatabaseAsync(string owner)
    {
        var name = $"sequin_roles_{Guid.NewGuid():N}"[..30];
        await Fixture.Postgres.CreateDatabaseAsync(name, owner: owner);
        return name;
    }

    private async Task MigrateAsync(string database, string runtimeRole, string owner = TestPostgres.OwnerRole, string? password = null)
    {
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, Fixture.Postgres.ConnectionString(database, owner));
        await using var db = new SeQuInDbContext(options.Options);
        await new DatabaseMigrator(db, new FrameworkDocumentValidator(), TimeProvider.System, NullLogger<DatabaseMigrator>.Instance,
            new DatabaseRoleOptions(runtimeRole, password)).MigrateAsync(loadDemo: false);
    }
}
