using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Data;

namespace SeQuIn.Benchmarks;

/// <summary>What the load step measured, handed to the measure step as JSON.</summary>
public sealed record LoadFigures
{
    public int Units { get; init; }
    public int Months { get; init; }
    public string FirstMonth { get; init; } = "";
    public string LastMonth { get; init; } = "";
    public long Assessments { get; init; }
    public long Participants { get; init; }
    public long Ratings { get; init; }
    public double GenerateSeconds { get; init; }
    /// <summary>Encoding the generated rows to binary COPY format in memory, before any timer (not part of any figure).</summary>
    public double EncodeSeconds { get; init; }
    /// <summary>Server and session settings the floors, the load and the rebuild ran with (SHOW).</summary>
    public Dictionary<string, string> Settings { get; init; } = [];
    /// <summary>The COPY options of the floors and of the load.</summary>
    public string CopyOptions { get; init; } = "";
    /// <summary>Whether the bulk load dropped and rebuilt the primary keys too (not only foreign keys and secondary indexes).</summary>
    public bool DropKeys { get; init; }
    public List<TableCopy> Tables { get; init; } = [];
    /// <summary>Floor, BEGIN to COMMIT: the same bytes with the same client code and COPY options into bare heaps created in the transaction, before the load.</summary>
    public double FloorBeforeSeconds { get; init; }
    /// <summary>The same floor measured again right after the load.</summary>
    public double FloorAfterSeconds { get; init; }
    /// <summary>The baseline: the mean of the two floor measurements that bracket the load.</summary>
    public double FloorSeconds => (FloorBeforeSeconds + FloorAfterSeconds) / 2;
    public CpuUse? FloorCpu { get; init; }
    /// <summary>The bulk load, BEGIN to COMMIT: constraints and indexes dropped, TRUNCATE, COPY, keys and indexes built, foreign keys added and validated, COMMIT.</summary>
    public double BulkSeconds { get; init; }
    /// <summary>Catalog read, triggers disabled, constraints and indexes dropped, TRUNCATE.</summary>
    public double BulkPrepareSeconds { get; init; }
    /// <summary>The three COPYs.</summary>
    public double BulkCopySeconds { get; init; }
    /// <summary>Primary keys (when dropped) and secondary indexes built.</summary>
    public double BulkIndexSeconds { get; init; }
    /// <summary>Foreign keys added, each validated by one set-wise query.</summary>
    public double BulkForeignKeySeconds { get; init; }
    public double BulkCommitSeconds { get; init; }
    public CpuUse? BulkCpu { get; init; }
    public CpuUse? BulkCopyCpu { get; init; }
    public CpuUse? BulkIndexCpu { get; init; }
    public List<BulkStep> BulkSteps { get; init; } = [];
    /// <summary>Constraints, indexes and user triggers found identical (and constraints validated) after the load.</summary>
    public int SchemaObjectsChecked { get; init; }
    /// <summary>The summary rebuild, BEGIN to COMMIT: the summary tables' foreign keys and indexes dropped, refresh_benchmark_summaries(NULL), rebuilt.</summary>
    public double RebuildSeconds { get; init; }
    public double RebuildPrepareSeconds { get; init; }
    public double RebuildFunctionSeconds { get; init; }
    public double RebuildIndexSeconds { get; init; }
    public double RebuildForeignKeySeconds { get; init; }
    public double RebuildCommitSeconds { get; init; }
    public bool RebuildDropsIndexes { get; init; }
    public List<BulkStep> RebuildSteps { get; init; } = [];
    public int SummaryObjectsChecked { get; init; }
    public CpuUse? RebuildCpu { get; init; }
    /// <summary>ANALYZE of assessments, participants and ratings after the load (the rebuild is planned with their statistics).</summary>
    public double AnalyzeLoadedSeconds { get; init; }
    /// <summary>ANALYZE of area_results and standard_results after the rebuild (the benchmark queries read them).</summary>
    public double AnalyzeSummariesSeconds { get; init; }
    /// <summary>Until the benchmarks can be read with statistics in place: bulk load, ANALYZE, summary rebuild, ANALYZE.</summary>
    public double QueryableSeconds => BulkSeconds + AnalyzeLoadedSeconds + RebuildSeconds + AnalyzeSummariesSeconds;
    public long AreaResults { get; init; }
    public long StandardResults { get; init; }
    public int ProbeAssessments { get; init; }
    public double ProbeTriggerOffSeconds { get; init; }
    public double ProbeTriggerOnSeconds { get; init; }
    public double VacuumAnalyzeSeconds { get; init; }
    public Dictionary<string, long> TableBytes { get; init; } = [];
    /// <summary>Change-feed entries written for the loaded assessments (one each, as a submission writes; ADR 0027).</summary>
    public long ChangeEvents { get; init; }
    /// <summary>Their COPY into change_events, with its keys and indexes in place, BEGIN to COMMIT (not part of the bulk load's figure).</summary>
    public double ChangeEventsSeconds { get; init; }
}

/// <param name="Bytes">The table's rows in binary COPY format.</param>
/// <param name="FloorSeconds">COPY into a bare heap (CREATE TABLE … (LIKE table), columns and NOT NULL only), in the floor before the load.</param>
/// <param name="FloorAfterSeconds">The same in the floor after the load.</param>
/// <param name="CopySeconds">COPY into the table itself in the bulk load (its foreign keys and secondary indexes dropped).</param>
public sealed record TableCopy(string Table, long Rows, long Bytes, double FloorSeconds, double FloorAfterSeconds, double CopySeconds, CpuUse FloorCpu, CpuUse CopyCpu);

/// <param name="DropKeys">Drop and rebuild the primary keys too, not only the foreign keys and secondary indexes (measured: it pays).</param>
/// <param name="MaintenanceWorkMem">maintenance_work_mem for the session, or null for the server's (measured: 1GB no better than run.sh's 512MB).</param>
/// <param name="WorkMem">work_mem for the session, or null for the server's (measured: 256MB no better than 4MB).</param>
/// <param name="BulkRebuild">Drop the summary tables' foreign keys, indexes (and keys) around refresh_benchmark_summaries(NULL).</param>
public sealed record LoadOptions(bool DropKeys = true, string? MaintenanceWorkMem = null, string? WorkMem = null, bool BulkRebuild = true)
{
    public static LoadOptions From(Arguments arguments) => new(
        arguments.Optional("keys", "drop") switch { "drop" => true, "keep" => false, var v => throw new ArgumentException($"--keys drop|keep, not {v}") },
        arguments.Optional("maintenance-work-mem", "") is { Length: > 0 } m ? m : null,
        arguments.Optional("work-mem", "") is { Length: > 0 } w ? w : null,
        arguments.Optional("rebuild", "bulk") switch { "bulk" => true, "plain" => false, var v => throw new ArgumentException($"--rebuild bulk|plain, not {v}") });
}

/// <summary>
/// Builds the data set and measures the bulk load the way PostgreSQL's "Populating a Database" describes it. The
/// rows are generated and encoded to binary COPY format in memory first; timed are only PostgreSQL's work and the
/// streaming of bytes. The floor streams the same bytes into bare heaps; the bulk load drops the foreign keys,
/// secondary indexes and primary keys of assessments, participants and ratings, TRUNCATEs them (so that COPY FREEZE
/// is allowed and, with wal_level = minimal, COPY writes no WAL), COPYs, rebuilds every index and constraint from
/// the catalog's own definitions and validates the foreign keys set-wise — one transaction, so that a failure leaves
/// nothing half-loaded — and then checks that the schema is exactly what it was. The summaries are rebuilt the same
/// way around refresh_benchmark_summaries(NULL). A probe month is loaded with the per-row trigger off and on.
/// </summary>
public static class Loader
{
    // The summary triggers (on insert, on update) are user-defined constraint triggers: USER covers them and
    // leaves the foreign keys' internal triggers alone.
    private const string Trigger = "USER";
    private const string CopyOptions = "FORMAT BINARY, FREEZE";
    private static readonly string[] LoadedTables = ["assessments", "participants", "ratings"];
    private static readonly string[] SummaryTables = ["area_results", "standard_results"];
    private const int EncodingSample = 20_000;

    private sealed record Table(string Name, string Qualified, IReadOnlyList<string> Columns, EncodedCopy Data)
    {
        public string Copy(string? into = null) => $"COPY {into ?? Qualified} ({string.Join(", ", Columns)}) FROM STDIN ({CopyOptions})";
    }

    public static async Task<LoadFigures> RunAsync(string connectionString, LoadOptions options)
    {
        // COPYs, the rebuild and VACUUM run for minutes: no command timeout.
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString;
        var now = DateTimeOffset.UtcNow;
        var dbOptions = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(dbOptions, connectionString);
        await using var db = new SeQuInDbContext(dbOptions.Options);
        if (await db.Assessments.AnyAsync() || await db.Units.AnyAsync())
        {
            throw new InvalidOperationException("The database already has units or assessments: the harness loads into a fresh, migrated database.");
        }

        Progress.Say("Creating 20 networks, 60 providers, 4 collaboratives and 300 units");
        var units = await Dataset.CreateOrganisationsAsync(db, now);
        var framework = await Dataset.ActiveFrameworkAsync(db);
        var areaCount = framework.Areas.Count;
        var standardCount = framework.Areas.Sum(a => a.Standards.Count);
        Progress.Say($"Active framework {framework.Version.Identifier}: {areaCount} areas, {standardCount} standards, scale {framework.Min}–{framework.Max}");

        var first = Dataset.FirstMonth(now);
        var months = Dataset.MonthRange(first, Dataset.Months);
        var clock = Stopwatch.StartNew();
        var batch = Dataset.Generate(units, framework, months, now);
        var generateSeconds = clock.Elapsed.TotalSeconds;
        Progress.Say($"Generated {batch.Assessments.Count:N0} assessments, {batch.Participants.Count:N0} participants, {batch.Ratings.Count:N0} ratings in {generateSeconds:F1} s");

        var assessments = CopyPlan<Assessment>.From(db);
        var participants = CopyPlan<Participant>.From(db);
        var ratings = CopyPlan<Rating>.From(db);

        // Encoded once, before any timer: the floors and the load stream the same bytes.
        clock.Restart();
        Table[] tables =
        [
            new("assessments", assessments.Table, assessments.Columns, assessments.Encode(batch.Assessments)),
            new("participants", participants.Table, participants.Columns, participants.Encode(batch.Participants)),
            new("ratings", ratings.Table, ratings.Columns, ratings.Encode(batch.Ratings)),
        ];
        var encodeSeconds = clock.Elapsed.TotalSeconds;
        Progress.Say($"Encoded to binary COPY format in memory in {encodeSeconds:F1} s: " +
                     string.Join(", ", tables.Select(t => $"{t.Name} {t.Data.Bytes / 1e6:N0} MB")));

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var backend = await ScalarAsync<int>(connection, "SELECT pg_backend_pid()");

        await assessments.VerifyEncodingAsync(connection, batch.Assessments.Take(EncodingSample).ToList());
        await participants.VerifyEncodingAsync(connection, batch.Participants.Take(EncodingSample).ToList());
        await ratings.VerifyEncodingAsync(connection, batch.Ratings.Take(EncodingSample).ToList());
        Progress.Say($"Encoding checked: the first {EncodingSample:N0} rows of each table are byte for byte what Npgsql's importer writes and PostgreSQL reads back");

        // One session for everything timed: the floors, the load and the rebuild run with the same settings.
        if (options.MaintenanceWorkMem is { } maintenanceWorkMem)
        {
            await ExecuteAsync(connection, $"SET maintenance_work_mem = '{maintenanceWorkMem.Replace("'", "''", StringComparison.Ordinal)}'");
        }
        if (options.WorkMem is { } workMem)
        {
            await ExecuteAsync(connection, $"SET work_mem = '{workMem.Replace("'", "''", StringComparison.Ordinal)}'");
        }
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "wal_level", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "maintenance_work_mem", "work_mem",
                     "max_parallel_maintenance_workers", "max_parallel_workers", "max_wal_size", "wal_skip_threshold" })
        {
            settings[name] = await ScalarAsync<string>(connection, $"SHOW {name}");
        }
        Progress.Say("Session: " + string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}")));

        // The floor: the same bytes, the same client code and COPY options, into bare heaps created in the
        // transaction (so that FREEZE is allowed and wal_level = minimal skips WAL, as for the load), BEGIN to COMMIT.
        async Task<(double Seconds, Dictionary<string, CpuUse> PerTable, CpuUse Total)> FloorAsync(string when)
        {
            var perTable = new Dictionary<string, CpuUse>(StringComparer.Ordinal);
            await ExecuteAsync(connection, "CHECKPOINT");
            var total = CpuMeter.Start(backend);
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                foreach (var table in tables)
                {
                    await ExecuteAsync(connection, $"CREATE TABLE bench_floor_{table.Name} (LIKE {table.Qualified})");
                }
                foreach (var table in tables)
                {
                    var meter = CpuMeter.Start(backend);
                    table.Data.Send(connection, table.Copy($"bench_floor_{table.Name}"));
                    perTable[table.Name] = meter.Stop();
                }
                await transaction.CommitAsync();
            }
            var use = total.Stop();
            await ExecuteAsync(connection, string.Join("; ", tables.Select(t => $"DROP TABLE bench_floor_{t.Name}")));
            Progress.Say($"Floor {when}: the same bytes into bare heaps, BEGIN to COMMIT {use.Wall:F2} s = {batch.Ratings.Count / use.Wall:N0} ratings/s (" +
                         string.Join(", ", perTable.Select(t => $"{t.Key} {t.Value.Wall:F2} s")) + $"; CPU harness {use.Client:F1} s, backend {use.Server:F1} s)");
            return (use.Wall, perTable, use);
        }
        var floorBefore = await FloorAsync("before the load");

        // The bulk load: one transaction.
        var steps = new List<BulkStep>();
        var copies = new Dictionary<string, CpuUse>(StringComparer.Ordinal);
        await ExecuteAsync(connection, "CHECKPOINT");
        var bulkMeter = CpuMeter.Start(backend);
        double prepareSeconds, copySeconds, indexSeconds, foreignKeySeconds, commitSeconds;
        CpuUse copyCpu, indexCpu;
        BulkSchema schema;
        clock.Restart();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            schema = await BulkSchema.CaptureAsync(connection, LoadedTables);
            if (await ScalarAsync<bool>(connection, "SELECT EXISTS (SELECT 1 FROM assessments) OR EXISTS (SELECT 1 FROM participants) OR EXISTS (SELECT 1 FROM ratings)"))
            {
                throw new InvalidOperationException("assessments, participants or ratings is not empty: the bulk load TRUNCATEs them.");
            }
            await ExecuteAsync(connection, $"ALTER TABLE assessments DISABLE TRIGGER {Trigger}");
            await schema.DropAsync(connection, options.DropKeys, steps);
            // Empty already; truncated in this transaction so that COPY may FREEZE and, with wal_level = minimal, writes no WAL.
            await ExecuteAsync(connection, $"TRUNCATE {string.Join(", ", tables.Select(t => t.Qualified))}");
            prepareSeconds = clock.Elapsed.TotalSeconds;

            var phase = CpuMeter.Start(backend);
            foreach (var table in tables)
            {
                var meter = CpuMeter.Start(backend);
                table.Data.Send(connection, table.Copy());
                copies[table.Name] = meter.Stop();
            }
            copyCpu = phase.Stop();
            copySeconds = copyCpu.Wall;

            phase = CpuMeter.Start(backend);
            var mark = clock.Elapsed.TotalSeconds;
            await schema.RecreateIndexesAsync(connection, options.DropKeys, steps);
            indexSeconds = clock.Elapsed.TotalSeconds - mark;
            mark = clock.Elapsed.TotalSeconds;
            await schema.RecreateForeignKeysAsync(connection, steps);
            foreignKeySeconds = clock.Elapsed.TotalSeconds - mark;
            await ExecuteAsync(connection, $"ALTER TABLE assessments ENABLE TRIGGER {Trigger}");
            indexCpu = phase.Stop();

            mark = clock.Elapsed.TotalSeconds;
            await transaction.CommitAsync();
            commitSeconds = clock.Elapsed.TotalSeconds - mark;
        }
        var bulkCpu = bulkMeter.Stop();
        var bulkSeconds = bulkCpu.Wall;
        Progress.Say($"Bulk load, BEGIN to COMMIT: {bulkSeconds:F2} s = {batch.Ratings.Count / bulkSeconds:N0} ratings/s — prepare {prepareSeconds:F2} s, " +
                     $"COPY {copySeconds:F2} s ({string.Join(", ", copies.Select(c => $"{c.Key} {c.Value.Wall:F2}"))}), keys and indexes {indexSeconds:F2} s, " +
                     $"foreign keys {foreignKeySeconds:F2} s, commit {commitSeconds:F2} s (CPU: harness {bulkCpu.Client:F1} s, backend {bulkCpu.Server:F1} s, machine {bulkCpu.MachineBusyCores:F2} cores busy)");
        foreach (var step in steps.Where(s => s.Phase != "drop"))
        {
            Progress.Say($"    {step.Phase} {step.Name} on {step.Table}: {step.Seconds:F2} s");
        }
        var checkedObjects = await schema.AssertRestoredAsync(connection);
        foreach (var (table, expected) in new[] { ("assessments", batch.Assessments.Count), ("participants", batch.Participants.Count), ("ratings", batch.Ratings.Count) })
        {
            var count = await ScalarAsync<long>(connection, $"SELECT count(*) FROM {table}");
            if (count != expected)
            {
                throw new InvalidOperationException($"{table} has {count:N0} rows after the load, not {expected:N0}.");
            }
        }
        Progress.Say($"Schema after the load: {checkedObjects} constraints, indexes and triggers as before, every constraint validated; row counts right");

        var floorAfter = await FloorAsync("after the load");

        // PostgreSQL's guidance ends with ANALYZE: without statistics the rebuild's joins are planned blind (measured on
        // 2 cores: refresh_benchmark_summaries(NULL) 9.6 s without, 7.5–7.9 s with, for 0.5 s of ANALYZE), and so would be
        // every query until autovacuum gets to the tables. It counts in "until queryable", not in the bulk load.
        clock.Restart();
        await ExecuteAsync(connection, $"ANALYZE {string.Join(", ", tables.Select(t => t.Qualified))}");
        var analyzeLoadedSeconds = clock.Elapsed.TotalSeconds;
        Progress.Say($"ANALYZE assessments, participants, ratings: {analyzeLoadedSeconds:F2} s");

        // The summary rebuild: one transaction, the summary tables' foreign keys and indexes dropped around it.
        var rebuildSteps = new List<BulkStep>();
        await ExecuteAsync(connection, "CHECKPOINT");
        var rebuildMeter = CpuMeter.Start(backend);
        double rebuildPrepare = 0, rebuildFunction, rebuildIndex = 0, rebuildForeignKeys = 0, rebuildCommit;
        BulkSchema? summaries = null;
        clock.Restart();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            if (options.BulkRebuild)
            {
                summaries = await BulkSchema.CaptureAsync(connection, SummaryTables);
                await summaries.DropAsync(connection, options.DropKeys, rebuildSteps);
                rebuildPrepare = clock.Elapsed.TotalSeconds;
            }
            var mark = clock.Elapsed.TotalSeconds;
            await ExecuteAsync(connection, "SELECT refresh_benchmark_summaries(NULL)");
            rebuildFunction = clock.Elapsed.TotalSeconds - mark;
            if (summaries is not null)
            {
                mark = clock.Elapsed.TotalSeconds;
                await summaries.RecreateIndexesAsync(connection, options.DropKeys, rebuildSteps);
                rebuildIndex = clock.Elapsed.TotalSeconds - mark;
                mark = clock.Elapsed.TotalSeconds;
                await summaries.RecreateForeignKeysAsync(connection, rebuildSteps);
                rebuildForeignKeys = clock.Elapsed.TotalSeconds - mark;
            }
            mark = clock.Elapsed.TotalSeconds;
            await transaction.CommitAsync();
            rebuildCommit = clock.Elapsed.TotalSeconds - mark;
        }
        var rebuildCpu = rebuildMeter.Stop();
        var rebuildSeconds = rebuildCpu.Wall;
        var summaryObjects = summaries is null ? 0 : await summaries.AssertRestoredAsync(connection);
        clock.Restart();
        await ExecuteAsync(connection, $"ANALYZE {string.Join(", ", SummaryTables)}");
        var analyzeSummariesSeconds = clock.Elapsed.TotalSeconds;
        var areaResults = await ScalarAsync<long>(connection, "SELECT count(*) FROM area_results");
        var standardResults = await ScalarAsync<long>(connection, "SELECT count(*) FROM standard_results");
        Progress.Say($"Summary rebuild, BEGIN to COMMIT: {rebuildSeconds:F1} s — refresh_benchmark_summaries(NULL) {rebuildFunction:F1} s, keys and indexes {rebuildIndex:F1} s, " +
                     $"foreign keys {rebuildForeignKeys:F2} s, commit {rebuildCommit:F2} s; {areaResults:N0} area results, {standardResults:N0} standard results" +
                     (summaries is null ? "" : $"; {summaryObjects} constraints, indexes and triggers as before"));
        foreach (var step in rebuildSteps.Where(s => s.Phase != "drop"))
        {
            Progress.Say($"    {step.Phase} {step.Name} on {step.Table}: {step.Seconds:F2} s");
        }
        var queryableSeconds = bulkSeconds + analyzeLoadedSeconds + rebuildSeconds + analyzeSummariesSeconds;
        Progress.Say($"ANALYZE area_results, standard_results: {analyzeSummariesSeconds:F2} s");
        Progress.Say($"Until queryable (bulk load + ANALYZE + summary rebuild + ANALYZE): {queryableSeconds:F1} s = {batch.Ratings.Count / queryableSeconds:N0} ratings/s");

        // The change feed's outbox at national size: one entry per loaded assessment, as its submission would have
        // written (ADR 0027), so that the outbox INSERT and the feed and dispatcher reads run against a full table and
        // full indexes. One transaction, binary COPY into change_events with its key and index in place; every entry
        // takes this transaction's id (as an import's entries do). After the bulk load and outside its figure.
        var collaborativeOf = units.ToDictionary(u => u.Id, u => u.CollaborativeId);
        clock.Restart();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY change_events (occurred_at, kind, resource_type, resource_id, revision, unit_id, network_id, collaborative_id, link) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var a in batch.Assessments.OrderBy(a => a.SubmittedAt))
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(a.SubmittedAt ?? now, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync("assessment.submitted", NpgsqlTypes.NpgsqlDbType.Varchar);
                    await copy.WriteAsync("assessment", NpgsqlTypes.NpgsqlDbType.Varchar);
                    await copy.WriteAsync(a.Id, NpgsqlTypes.NpgsqlDbType.Uuid);
                    await copy.WriteAsync(a.Revision, NpgsqlTypes.NpgsqlDbType.Integer);
                    await copy.WriteAsync(a.UnitId, NpgsqlTypes.NpgsqlDbType.Uuid);
                    await copy.WriteAsync(a.NetworkId, NpgsqlTypes.NpgsqlDbType.Uuid);
                    if (collaborativeOf[a.UnitId] is { } collaborative)
                    {
                        await copy.WriteAsync(collaborative, NpgsqlTypes.NpgsqlDbType.Uuid);
                    }
                    else
                    {
                        await copy.WriteNullAsync();
                    }
                    await copy.WriteAsync($"/api/v1/assessments/{a.Id}", NpgsqlTypes.NpgsqlDbType.Varchar);
                }
                await copy.CompleteAsync();
            }
            await transaction.CommitAsync();
        }
        var changeEventsSeconds = clock.Elapsed.TotalSeconds;
        var changeEvents = await ScalarAsync<long>(connection, "SELECT count(*) FROM change_events WHERE kind = 'assessment.submitted'");
        if (changeEvents != batch.Assessments.Count)
        {
            throw new InvalidOperationException($"change_events has {changeEvents:N0} submissions after the load, not {batch.Assessments.Count:N0}.");
        }
        Progress.Say($"Change feed: {changeEvents:N0} entries (one per loaded assessment) COPYed into change_events in {changeEventsSeconds:F2} s");

        // Probe: one month before the history for every unit, trigger off then on (deleted after each).
        var probeMonth = first.AddMonths(-1);
        var probeSeconds = new double[2];
        for (var withTrigger = 0; withTrigger < 2; withTrigger++)
        {
            var probe = Dataset.Generate(units, framework, [probeMonth], now, seed: 7 + withTrigger);
            await ExecuteAsync(connection, "CHECKPOINT");
            clock.Restart();
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                if (withTrigger == 0)
                {
                    await ExecuteAsync(connection, $"ALTER TABLE assessments DISABLE TRIGGER {Trigger}");
                }
                assessments.Write(connection, probe.Assessments);
                participants.Write(connection, probe.Participants);
                ratings.Write(connection, probe.Ratings);
                if (withTrigger == 0)
                {
                    await ExecuteAsync(connection, $"ALTER TABLE assessments ENABLE TRIGGER {Trigger}");
                }
                await transaction.CommitAsync();
            }
            probeSeconds[withTrigger] = clock.Elapsed.TotalSeconds;
            var refreshed = await ScalarAsync<long>(connection, $"SELECT count(*) FROM area_results WHERE month = '{probeMonth:yyyy-MM-dd}'");
            Progress.Say($"Probe month {Dataset.Format(probeMonth)} ({probe.Assessments.Count:N0} assessments) with the trigger {(withTrigger == 1 ? "on" : "off")}: " +
                         $"{probeSeconds[withTrigger]:F2} s; {refreshed:N0} area results written by the trigger");
            if (withTrigger == 1 && refreshed != probe.Assessments.Count)
            {
                throw new InvalidOperationException($"The trigger refreshed {refreshed} of {probe.Assessments.Count} probe assessments.");
            }
            await ExecuteAsync(connection, $"DELETE FROM assessments WHERE month = '{probeMonth:yyyy-MM-dd}'");
        }

        clock.Restart();
        await ExecuteAsync(connection, "VACUUM (ANALYZE)");
        var vacuumSeconds = clock.Elapsed.TotalSeconds;
        Progress.Say($"VACUUM (ANALYZE): {vacuumSeconds:F1} s");

        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname IN ('assessments', 'participants', 'ratings', 'area_results', 'standard_results', 'change_events')
            ORDER BY 1
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sizes[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return new LoadFigures
        {
            Units = units.Count,
            Months = months.Count,
            FirstMonth = Dataset.Format(first),
            LastMonth = Dataset.Format(months[^1]),
            Assessments = batch.Assessments.Count,
            Participants = batch.Participants.Count,
            Ratings = batch.Ratings.Count,
            GenerateSeconds = generateSeconds,
            EncodeSeconds = encodeSeconds,
            Settings = settings,
            CopyOptions = CopyOptions,
            DropKeys = options.DropKeys,
            Tables = [.. tables.Select(t => new TableCopy(t.Name, t.Data.Rows, t.Data.Bytes, floorBefore.PerTable[t.Name].Wall, floorAfter.PerTable[t.Name].Wall,
                copies[t.Name].Wall, floorBefore.PerTable[t.Name], copies[t.Name]))],
            FloorBeforeSeconds = floorBefore.Seconds,
            FloorAfterSeconds = floorAfter.Seconds,
            FloorCpu = floorBefore.Total,
            BulkSeconds = bulkSeconds,
            BulkPrepareSeconds = prepareSeconds,
            BulkCopySeconds = copySeconds,
            BulkIndexSeconds = indexSeconds,
            BulkForeignKeySeconds = foreignKeySeconds,
            BulkCommitSeconds = commitSeconds,
            BulkCpu = bulkCpu,
            BulkCopyCpu = copyCpu,
            BulkIndexCpu = indexCpu,
            BulkSteps = steps,
            SchemaObjectsChecked = checkedObjects,
            RebuildSeconds = rebuildSeconds,
            RebuildPrepareSeconds = rebuildPrepare,
            RebuildFunctionSeconds = rebuildFunction,
            RebuildIndexSeconds = rebuildIndex,
            RebuildForeignKeySeconds = rebuildForeignKeys,
            RebuildCommitSeconds = rebuildCommit,
            RebuildDropsIndexes = options.BulkRebuild,
            RebuildSteps = rebuildSteps,
            SummaryObjectsChecked = summaryObjects,
            AnalyzeLoadedSeconds = analyzeLoadedSeconds,
            AnalyzeSummariesSeconds = analyzeSummariesSeconds,
            RebuildCpu = rebuildCpu,
            AreaResults = areaResults,
            StandardResults = standardResults,
            ProbeAssessments = units.Count * areaCount,
            ProbeTriggerOffSeconds = probeSeconds[0],
            ProbeTriggerOnSeconds = probeSeconds[1],
            VacuumAnalyzeSeconds = vacuumSeconds,
            TableBytes = sizes,
            ChangeEvents = changeEvents,
            ChangeEventsSeconds = changeEventsSeconds,
        };
    }

    internal static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
