using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text;
using Npgsql;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Data;

/// <summary>
/// deploy/backup.sh, the command README's "Back it up" documents, run as a process against the fixture's server: a
/// dump restored into an empty database holds the same rows, audit trail and sequences, and a service over it answers
/// the same reads with the same bodies.
/// </summary>
[UnsupportedOSPlatform("windows")] // a bash script and PostgreSQL's client tools, as on the machines it documents
[Collection(WaitingApiCollection.Name)]
public sealed class BackupRestoreTests(SeQuInApiFixture fixture) : ApiTest(fixture), IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sequin-backup-").FullName;
    private readonly List<string> _restored = [];

    [Fact]
    public async Task A_backup_restored_into_an_empty_database_has_the_same_rows_audit_trail_and_sequences_and_answers_the_same()
    {
        await using var source = await Fixture.CreateIsolatedAppAsync();
        using var national = source.CreateClient(Fixture.NationalAdminToken);
        var world = await AssessmentWorld.CreateAsync(source, national);
        var (assessment, evidenceId) = await world.Member.CreateSubmittedAsync();
        await ReadAsync<CommentResponse>(await world.Lead.PostAsJsonAsync($"/api/v1/assessments/{assessment.Id}/comments",
            new CommentRequest("Backed up with the rest."), JsonOptions));
        var dump = Path.Combine(_directory, "sequin.dump");

        var backup = await RunAsync(DatabaseOf(source), "backup", dump);
        var restored = RestoredDatabase();
        var restore = await RunAsync(restored, "restore", dump);

        Assert.True(backup.ExitCode == 0, backup.Describe());
        Assert.StartsWith(dump + "\t", backup.StandardOutput);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dump));
        Assert.True(restore.ExitCode == 0, restore.Describe());
        var counts = await RowCountsAsync(DatabaseOf(source));
        Assert.Equal(counts, await RowCountsAsync(restored));
        Assert.True(counts["audit_events"] > 10 && counts["comments"] == 1 && counts["api_keys"] >= 6, string.Join(", ", counts));
        Assert.Equal(await AuditTrailAsync(DatabaseOf(source)), await AuditTrailAsync(restored));
        Assert.Equal(await SequencesAsync(DatabaseOf(source)), await SequencesAsync(restored));
        var privileges = await OwnersAndPrivilegesAsync(restored);
        Assert.Equal(await OwnersAndPrivilegesAsync(DatabaseOf(source)), privileges);
        Assert.Contains(privileges, line => line.StartsWith("function assessments_refresh_benchmark_summaries() sequin_owner security-definer ", StringComparison.Ordinal));
        Assert.Contains("table audit_events sequin_owner {sequin_owner=arwdDxt/sequin_owner,sequin_app=ar/sequin_owner}", privileges);

        await using var again = new SeQuInApp(Fixture.Postgres.ConnectionString(restored, TestPostgres.RuntimeRole),
            ownerConnectionString: Fixture.Postgres.ConnectionString(restored, TestPostgres.OwnerRole));
        using var nationalAgain = again.CreateClient(Fixture.NationalAdminToken);
        foreach (var url in new[]
                 {
                     $"/api/v1/assessments/{assessment.Id}",
                     $"/api/v1/assessments/{assessment.Id}/history",
                     $"/api/v1/assessments/{assessment.Id}/evidence/{evidenceId}/file",
                     $"/api/v1/units/{world.Unit.Id}",
                     $"/api/v1/networks/{world.Network.Id}",
                     $"/api/v1/exports/ratings?unitCode={world.Unit.Code}",
                     "/api/v1/keys?limit=200",
                     "/api/v1/audit-events?limit=200",
                 })
        {
            var (before, after) = (await national.GetAsync(url), await nationalAgain.GetAsync(url));
            Assert.True(before.StatusCode == HttpStatusCode.OK, $"{url}: {(int)before.StatusCode}");
            Assert.Equal((before.StatusCode, before.Headers.ETag, await before.Content.ReadAsStringAsync()),
                (after.StatusCode, after.Headers.ETag, await after.Content.ReadAsStringAsync()));
        }
        // The restored sequences and grants carry on: a write through the runtime role gets the next audit id.
        var created = await nationalAgain.PostAsJsonAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "After restore"), JsonOptions);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(counts["audit_events"] + 1, (await RowCountsAsync(restored))["audit_events"]);
    }

    [Fact]
    public async Task Restore_refuses_a_database_that_is_not_empty_and_leaves_it_as_it_was()
    {
        await using var source = await Fixture.CreateIsolatedAppAsync();
        var dump = Path.Combine(_directory, "refused.dump");
        Assert.Equal(0, (await RunAsync(DatabaseOf(source), "backup", dump)).ExitCode);
        using (var national = source.CreateClient(Fixture.NationalAdminToken))
        {
            await ReadAsync<NetworkResponse>(await national.PostAsJsonAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Since"), JsonOptions));
        }
        var counts = await RowCountsAsync(DatabaseOf(source));

        var plain = await RunAsync(DatabaseOf(source), "restore", dump);
        var unconfirmed = await RunAsync(DatabaseOf(source), "restore", dump, "--replace");

        Assert.NotEqual(0, plain.ExitCode);
        Assert.Contains($"database '{DatabaseOf(source)}' is not empty", plain.StandardError);
        Assert.NotEqual(0, unconfirmed.ExitCode);
        Assert.Contains("--replace needs --yes", unconfirmed.StandardError);
        Assert.Equal(counts, await RowCountsAsync(DatabaseOf(source)));
    }

    [Fact]
    public async Task A_restored_audit_trail_with_a_row_the_archive_does_not_hold_fails_verification()
    {
        await using var source = await Fixture.CreateIsolatedAppAsync();
        var dump = Path.Combine(_directory, "tampered.dump");
        Assert.Equal(0, (await RunAsync(DatabaseOf(source), "backup", dump)).ExitCode);
        var restored = RestoredDatabase();
        Assert.Equal(0, (await RunAsync(restored, "restore", dump)).ExitCode);
        await using (var owner = new NpgsqlConnection(Fixture.Postgres.ConnectionString(restored, TestPostgres.OwnerRole)))
        {
            await owner.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id, changes) " +
                "SELECT occurred_at, actor, action, entity_type, entity_id, changes FROM audit_events ORDER BY id LIMIT 1", owner);
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        var verify = await RunAsync(restored, "verify", dump);

        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains("MISMATCH public.audit_events: ", verify.StandardError);
        Assert.Contains("MISMATCH sequence public.audit_events_id_seq: ", verify.StandardError);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in _restored)
        {
            SeQuInApiFixture.ClearPoolsOf(Fixture.Postgres.ConnectionString(database), Fixture.Postgres.ConnectionString(database, TestPostgres.OwnerRole),
                Fixture.Postgres.ConnectionString(database, TestPostgres.RuntimeRole));
            await Fixture.Postgres.DropDatabaseAsync(database);
        }
        Directory.Delete(_directory, recursive: true);
    }

    private string RestoredDatabase()
    {
        var name = $"sequin_restored_{Guid.NewGuid().ToString("N")[..12]}";
        _restored.Add(name);
        return name;
    }

    private static string DatabaseOf(SeQuInApp app) => new NpgsqlConnectionStringBuilder(app.ConnectionString).Database!;

    /// <summary>Rows in every table of the database, as the catalog lists them (not a list kept here).</summary>
    private async Task<SortedDictionary<string, long>> RowCountsAsync(string database)
    {
        await using var connection = await OpenAsOwnerAsync(database);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM public.\"{table.Replace("\"", "\"\"")}\"", connection);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }

    /// <summary>Every audit row, every column, in id order, as text: identical means the trail was reproduced exactly.</summary>
    private async Task<(long Rows, string Digest)> AuditTrailAsync(string database)
    {
        await using var connection = await OpenAsOwnerAsync(database);
        await using var command = new NpgsqlCommand(
            "SELECT count(*), md5(coalesce(string_agg(a::text, E'\\n' ORDER BY a.id), '')) FROM audit_events a", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private async Task<string> SequencesAsync(string database)
    {
        await using var connection = await OpenAsOwnerAsync(database);
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(string_agg(sequencename || '=' || coalesce(last_value::text, 'unused'), ', ' ORDER BY sequencename), '') FROM pg_sequences",
            connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Who owns each table, sequence and function, who may do what to it (an ACL left at its default compares equal to
    /// the same ACL written out, as migrate's REVOKE ALL ON ALL FUNCTIONS writes it), which functions run as their owner, which
    /// triggers fire, and the default privileges later tables get: what ADR 0005's roles rest on.
    /// </summary>
    private async Task<List<string>> OwnersAndPrivilegesAsync(string database)
    {
        await using var connection = await OpenAsOwnerAsync(database);
        await using var command = new NpgsqlCommand("""
            SELECT CASE c.relkind WHEN 'S' THEN 'sequence ' ELSE 'table ' END || c.relname || ' ' || pg_get_userbyid(c.relowner) || ' '
                   || coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner))::text
            FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
            UNION ALL
            SELECT 'function ' || p.oid::regprocedure || ' ' || pg_get_userbyid(p.proowner)
                   || CASE WHEN p.prosecdef THEN ' security-definer' ELSE ' security-invoker' END
                   || ' ' || coalesce(array_to_string(p.proconfig, ','), '') || ' ' || coalesce(p.proacl, acldefault('f'::"char", p.proowner))::text
            FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
            UNION ALL
            SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass || ' ' || t.tgenabled::text
            FROM pg_trigger t WHERE NOT t.tgisinternal
            UNION ALL
            SELECT 'default privileges ' || pg_get_userbyid(d.defaclrole) || ' ' || d.defaclobjtype::text || ' ' || d.defaclacl::text
            FROM pg_default_acl d
            UNION ALL
            SELECT 'schema public may be used by the runtime role: '
                   || has_schema_privilege('sequin_app', 'public', 'USAGE') || ', created in: ' || has_schema_privilege('sequin_app', 'public', 'CREATE')
            ORDER BY 1
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return lines;
    }

    private async Task<NpgsqlConnection> OpenAsOwnerAsync(string database)
    {
        var connection = new NpgsqlConnection(Fixture.Postgres.ConnectionString(database, TestPostgres.OwnerRole));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs deploy/backup.sh against the fixture's server, for <paramref name="database"/>.</summary>
    private async Task<ScriptResult> RunAsync(string database, params string[] arguments)
    {
        var admin = new NpgsqlConnectionStringBuilder(Fixture.Postgres.ConnectionString("postgres"));
        var owner = new NpgsqlConnectionStringBuilder(Fixture.Postgres.ConnectionString(database, TestPostgres.OwnerRole));
        // libpq takes passwords from a file, one per role (the local cluster trusts, a Testcontainers server does not).
        var passwords = Path.Combine(_directory, "pgpass");
        static string Escape(string? text) => (text ?? "").Replace("\\", "\\\\").Replace(":", "\\:");
        await File.WriteAllTextAsync(passwords, string.Join('\n',
            $"*:*:*:{Escape(admin.Username)}:{Escape(admin.Password)}",
            $"*:*:*:{TestPostgres.OwnerRole}:{Escape(owner.Password)}",
            $"*:*:*:{TestPostgres.RuntimeRole}:{Escape(owner.Password)}") + "\n");
        File.SetUnixFileMode(passwords, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
            Environment =
            {
                ["SEQUIN_PG_HOST"] = admin.Host,
                ["SEQUIN_PG_PORT"] = admin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["SEQUIN_PG_DATABASE"] = database,
                ["SEQUIN_PG_ADMIN"] = admin.Username,
                ["PGPASSFILE"] = passwords,
            },
        };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "deploy", "backup.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var (stdout, stderr) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new ScriptResult(string.Join(' ', arguments), process.ExitCode, await stdout, await stderr);
    }

    private sealed record ScriptResult(string Command, int ExitCode, string StandardOutput, string StandardError)
    {
        public string Describe() => new StringBuilder()
            .AppendLine($"backup.sh {Command} exited with {ExitCode}")
            .AppendLine("--- stdout ---").AppendLine(StandardOutput)
            .AppendLine("--- stderr ---").Append(StandardError).ToString();
    }
}
