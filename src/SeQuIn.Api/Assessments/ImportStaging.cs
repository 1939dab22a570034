using Npgsql;
using NpgsqlTypes;

namespace SeQuIn.Api.Assessments;

/// <summary>
/// The database half of an import. Rows are copied (binary COPY) into a temporary table of the import's
/// transaction as they are read; the rules that need other rows are then checked set-wise there, and a clean document
/// becomes assessments and ratings with two INSERT … SELECTs and one set-wise summary refresh. Nothing is held in
/// the service but the row being read, and nothing reaches a real table before every row has been checked.
/// </summary>
/// <remarks>
/// Hand-written SQL because this is the hot path of a bulk load: EF's change tracker inserted 6,900 rows/s, a staged
/// load several hundred thousand (tests/SeQuIn.Benchmarks, <c>run.sh import</c>). The temporary tables go with the
/// transaction (ON COMMIT DROP), so a pooled connection keeps no session state.
/// </remarks>
internal sealed class ImportStaging : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private NpgsqlBinaryImporter? _copy;

    private ImportStaging(NpgsqlConnection connection) => _connection = connection;

    public int Rows { get; private set; }

    /// <summary>Opens the staging table and its COPY; the caller's transaction must already be open on the connection.</summary>
    public static async Task<ImportStaging> OpenAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var staging = new ImportStaging(connection);
        // Codes are compared byte for byte (COLLATE "C"): they are codes, not words, and the sorts and hashes below need
        // no locale. The import's sorts and hash joins get room to stay in memory, for this transaction only.
        await staging.ExecuteAsync("""
            SET LOCAL work_mem = '64MB';
            CREATE TEMP TABLE import_rows (
                row_index int NOT NULL, unit_code text COLLATE "C" NOT NULL, area_code text COLLATE "C" NOT NULL,
                month_text text COLLATE "C" NOT NULL, bad boolean NOT NULL,
                unit_id uuid, version_id uuid, area_id uuid, month date, standard_id uuid, standard_code text COLLATE "C",
                value int, not_applicable boolean, reason text, agreed int
            ) ON COMMIT DROP
            """, ct);
        staging._copy = await connection.BeginBinaryImportAsync(
            "COPY import_rows (row_index, unit_code, area_code, month_text, bad, unit_id, version_id, area_id, month, standard_id, " +
            "standard_code, value, not_applicable, reason, agreed) FROM STDIN (FORMAT BINARY)", ct);
        return staging;
    }

    /// <summary>A row that passed its own checks, ready to be stored.</summary>
    public async ValueTask AddAsync(ImportLine line, CancellationToken ct)
    {
        var copy = _copy!;
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(line.Index, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(line.Row.UnitCode, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(line.Row.AreaCode, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(line.Row.Month, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(false, NpgsqlDbType.Boolean, ct);
        await copy.WriteAsync(line.UnitId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(line.VersionId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(line.AreaId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(line.Month, NpgsqlDbType.Date, ct);
        await copy.WriteAsync(line.StandardId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(line.Row.StandardCode, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, line.Row.NotApplicable ? null : line.Row.Value, ct);
        await copy.WriteAsync(line.Row.NotApplicable, NpgsqlDbType.Boolean, ct);
        if (line.Row.NotApplicable && line.Row.NotApplicableReason is { } reason)
        {
            await copy.WriteAsync(reason, NpgsqlDbType.Text, ct);
        }
        else
        {
            await copy.WriteNullAsync(ct);
        }
        await WriteNullableAsync(copy, line.Row.AgreedRating, ct);
        Rows++;
    }

    /// <summary>
    /// A row with a problem of its own: kept only as the assessment it belongs to, so that the set-wise checks do not
    /// also call that assessment incomplete (the bad row is the problem to report).
    /// </summary>
    public async ValueTask AddBadAsync(int index, ImportRow row, CancellationToken ct)
    {
        var copy = _copy!;
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(index, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(Storable(row.UnitCode), NpgsqlDbType.Text, ct);
        await copy.WriteAsync(Storable(row.AreaCode), NpgsqlDbType.Text, ct);
        await copy.WriteAsync(Storable(row.Month), NpgsqlDbType.Text, ct);
        await copy.WriteAsync(true, NpgsqlDbType.Boolean, ct);
        for (var column = 0; column < 10; column++)
        {
            await copy.WriteNullAsync(ct);
        }
        Rows++;
    }

    /// <summary>
    /// A bad row's codes only group it with its assessment; PostgreSQL cannot hold U+0000 in text, so a NUL (the
    /// row's problem, already named) becomes U+FFFD here rather than failing the COPY.
    /// </summary>
    private static string Storable(string code) => code.Replace('\0', '\uFFFD');

    private static async ValueTask WriteNullableAsync(NpgsqlBinaryImporter copy, int? value, CancellationToken ct)
    {
        if (value is { } number)
        {
            await copy.WriteAsync(number, NpgsqlDbType.Integer, ct);
        }
        else
        {
            await copy.WriteNullAsync(ct);
        }
    }

    /// <summary>
    /// Ends the COPY and checks what needs more than one row, in the order a reader of the document would: an
    /// assessment already stored; a standard rated twice; rows of one assessment that disagree on the framework
    /// version or the agreed rating; an assessment with standards left unrated. Linear: hash joins and one sort.
    /// </summary>
    public async Task<List<ImportProblem>> CheckAsync(int limit, CancellationToken ct)
    {
        await _copy!.CompleteAsync(ct);
        await _copy.DisposeAsync();
        _copy = null;
        // Planner statistics for the table just filled: without them it guesses a few hundred rows and may choose nested loops.
        await ExecuteAsync("ANALYZE import_rows", ct);

        // One row per assessment of the document: its first good row, whether any of its rows was bad, how many are good.
        await ExecuteAsync("""
            CREATE TEMP TABLE import_groups ON COMMIT DROP AS
            SELECT unit_code, area_code, month_text, bool_or(bad) AS failed,
                   min(row_index) FILTER (WHERE NOT bad) AS first_index, count(*) FILTER (WHERE NOT bad) AS rated
            FROM import_rows GROUP BY unit_code, area_code, month_text;
            ANALYZE import_groups;
            """, ct);
        await using var command = new NpgsqlCommand("""
            WITH firsts AS (
                SELECT g.failed, g.rated, r.row_index, r.unit_code, r.area_code, r.month_text, r.area_id, r.version_id, r.agreed,
                       EXISTS (SELECT 1 FROM assessments a WHERE a.unit_id = r.unit_id AND a.area_code = r.area_code COLLATE "default" AND a.month = r.month) AS stored
                FROM import_groups g JOIN import_rows r ON r.row_index = g.first_index
            ), members AS (
                SELECT r.row_index, r.standard_code, f.row_index AS first_index, f.stored,
                       r.version_id <> f.version_id AS other_version, r.agreed IS DISTINCT FROM f.agreed AS other_agreed
                FROM import_rows r JOIN firsts f USING (unit_code, area_code, month_text)
                WHERE NOT r.bad
            ), repeated AS (
                SELECT first_index, standard_code, min(row_index) AS kept FROM members
                GROUP BY first_index, standard_code HAVING count(*) > 1
            ), member_problems AS (
                SELECT m.row_index, m.first_index, 'twice' AS kind, m.standard_code AS detail
                FROM members m JOIN repeated d ON d.first_index = m.first_index AND d.standard_code = m.standard_code
                WHERE NOT m.stored AND m.row_index <> d.kept
                UNION ALL
                SELECT row_index, first_index, CASE WHEN other_version THEN 'version' ELSE 'agreed' END, NULL
                FROM members WHERE NOT stored AND (other_version OR other_agreed)
            ), to_complete AS (
                -- Only an assessment with fewer good rows than its area has standards can lack one (repeats fail it above).
                SELECT f.* FROM firsts f JOIN (SELECT area_id, count(*) AS standards FROM standards GROUP BY area_id) n ON n.area_id = f.area_id
                WHERE NOT f.failed AND NOT f.stored AND f.rated < n.standards
                  AND NOT EXISTS (SELECT 1 FROM member_problems p WHERE p.first_index = f.row_index)
            ), unrated AS (
                SELECT c.row_index, string_agg(s.code, ', ' ORDER BY s.code) AS detail
                FROM to_complete c JOIN standards s ON s.area_id = c.area_id
                WHERE NOT EXISTS (SELECT 1 FROM import_rows r
                                  WHERE NOT r.bad AND r.unit_code = c.unit_code AND r.area_code = c.area_code
                                    AND r.month_text = c.month_text AND r.standard_code = s.code COLLATE "C")
                GROUP BY c.row_index
            ), problems AS (
                SELECT row_index, 'stored' AS kind, NULL AS detail FROM firsts WHERE stored
                UNION ALL SELECT row_index, kind, detail FROM member_problems
                UNION ALL SELECT row_index, 'unrated', detail FROM unrated
            )
            SELECT p.row_index, p.kind, p.detail, r.unit_code, r.area_code, r.month_text
            FROM problems p JOIN import_rows r USING (row_index)
            ORDER BY p.row_index, p.kind
            LIMIT $1
            """, _connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var problems = new List<ImportProblem>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (index, kind, detail) = (reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
            var assessment = $"{reader.GetString(3)} {reader.GetString(4)} {reader.GetString(5)}";
            problems.Add(kind switch
            {
                "stored" => new ImportProblem(index, "month",
                    $"unit {reader.GetString(3)} already has an assessment of {reader.GetString(4)} for {reader.GetString(5)}."),
                "twice" => new ImportProblem(index, "standardCode", $"{detail} is rated twice for {assessment}."),
                "version" => new ImportProblem(index, "frameworkVersion", $"every row of {assessment} must give the same framework version and agreed rating."),
                "agreed" => new ImportProblem(index, "agreedRating", $"every row of {assessment} must give the same framework version and agreed rating."),
                _ => new ImportProblem(index, "standardCode", $"{assessment} lacks ratings for {detail}."),
            });
        }
        return problems;
    }

    /// <summary>
    /// One assessment per unit, area and month of the document, with an id (UUID version 7, like every id the
    /// service makes) but not yet stored: a dry run reports these ids, a real import stores them.
    /// </summary>
    public async Task<List<Guid>> PlanAssessmentsAsync(CancellationToken ct)
    {
        await ExecuteAsync("""
            CREATE TEMP TABLE import_assessments ON COMMIT DROP AS
            SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                       PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid AS id,
                   r.row_index AS first_index, r.unit_id, r.area_id, r.area_code, r.month, r.version_id, r.agreed
            FROM import_groups g JOIN import_rows r ON r.row_index = g.first_index;
            ANALYZE import_assessments;
            """, ct);
        var ids = new List<Guid>();
        await using var command = new NpgsqlCommand("SELECT id FROM import_assessments ORDER BY first_index", _connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    /// <summary>Stores the planned assessments, submitted and marked imported, with their ratings and benchmark summaries.</summary>
    public async Task StoreAsync(string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(_connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    INSERT INTO assessments (id, unit_id, network_id, framework_version_id, framework_identifier, area_id, area_code, month, status,
                        agreed_rating, imported, created_at, created_by, updated_at, submitted_at, submitted_by, sort_key, revision)
                    SELECT i.id, i.unit_id, u.network_id, i.version_id, v.identifier, i.area_id, i.area_code, i.month, 'Submitted',
                        i.agreed, true, $1, $2, $1, $1, $2, to_char(i.month, 'YYYY-MM') || '|' || i.unit_id || '|' || i.area_code, 1
                    FROM import_assessments i JOIN units u ON u.id = i.unit_id JOIN framework_versions v ON v.id = i.version_id
                    """) { Parameters = { new NpgsqlParameter<DateTimeOffset> { TypedValue = now }, new NpgsqlParameter<string> { TypedValue = actor } } },
                new NpgsqlBatchCommand("""
                    INSERT INTO ratings (assessment_id, standard_code, standard_id, value, not_applicable, not_applicable_reason)
                    SELECT i.id, r.standard_code, r.standard_id, r.value, r.not_applicable, r.reason
                    FROM import_rows r JOIN import_assessments i ON i.unit_id = r.unit_id AND i.area_code = r.area_code AND i.month = r.month
                    """),
                new NpgsqlBatchCommand("SELECT refresh_benchmark_summaries_of(array_agg(id)) FROM import_assessments"),
                // One change-feed entry per assessment the import creates, in the import's transaction (ADR 0027).
                new NpgsqlBatchCommand("""
                    INSERT INTO change_events (occurred_at, kind, resource_type, resource_id, revision, unit_id, network_id, collaborative_id, link)
                    SELECT $1, 'assessment.imported', 'assessment', i.id, 1, i.unit_id, u.network_id, u.collaborative_id, '/api/v1/assessments/' || i.id
                    FROM import_assessments i JOIN units u ON u.id = i.unit_id
                    ORDER BY i.first_index
                    """) { Parameters = { new NpgsqlParameter<DateTimeOffset> { TypedValue = now } } },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_copy is not null)
        {
            // An import abandoned mid-document: ending the COPY without completing it cancels it; the transaction goes too.
            await _copy.DisposeAsync();
        }
    }
}
