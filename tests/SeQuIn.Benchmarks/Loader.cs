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
    /// <summary>Per table: the same rows and client code into a bare heap, into a copy with its keys, indexes and checks (no FKs), and for real.</summary>
    public List<TableCopy> Tables { get; init; } = [];
    /// <summary>All three tables into bare heaps (columns only): the database's floor for these rows.</summary>
    public double FloorSeconds => Tables.Sum(t => t.BareSeconds);
    /// <summary>All three tables into copies with their keys, indexes and checks but no foreign keys.</summary>
    public double IndexedFloorSeconds => Tables.Sum(t => t.IndexedSeconds);
    public double CommitSeconds { get; init; }
    /// <summary>BEGIN to COMMIT: the three COPYs with the summary trigger disabled.</summary>
    public double LoadSeconds { get; init; }
    public double RebuildSeconds { get; init; }
    public long AreaResults { get; init; }
    public long StandardResults { get; init; }
    public int ProbeAssessments { get; init; }
    public double ProbeTriggerOffSeconds { get; init; }
    public double ProbeTriggerOnSeconds { get; init; }
    public double VacuumAnalyzeSeconds { get; init; }
    public CpuUse? FloorCpu { get; init; }
    public CpuUse? RatingsCpu { get; init; }
    public CpuUse? LoadCpu { get; init; }
    public CpuUse? RebuildCpu { get; init; }
    public Dictionary<string, long> TableBytes { get; init; } = [];
}

/// <param name="BareSeconds">COPY into CREATE TABLE … (LIKE table): columns only.</param>
/// <param name="IndexedSeconds">COPY into CREATE TABLE … (LIKE table INCLUDING ALL): keys, indexes, checks; no foreign keys, no triggers.</param>
/// <param name="LoadSeconds">COPY into the table itself, in the load transaction.</param>
public sealed record TableCopy(string Table, long Rows, double BareSeconds, double IndexedSeconds, double LoadSeconds);

/// <summary>
/// Builds the data set and measures the bulk load. Floor first (COPY into a bare heap), then the real load in one
/// transaction with the deferred summary trigger disabled (it would otherwise refresh one assessment at a time at
/// commit), then the set-wise rebuild refresh_benchmark_summaries(NULL) that the migration provides for bulk loads.
/// A probe month before the history is loaded twice, with the trigger off and on, to price the per-row trigger.
/// </summary>
public static class Loader
{
    // The summary triggers (on insert, on update) are user-defined constraint triggers: USER covers them and
    // leaves the foreign keys' internal triggers alone.
    private const string Trigger = "USER";

    public static async Task<LoadFigures> RunAsync(string connectionString)
    {
        // COPYs, the rebuild and VACUUM run for minutes: no command timeout.
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString;
        var now = DateTimeOffset.UtcNow;
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, connectionString);
        await using var db = new SeQuInDbContext(options.Options);
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

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var backend = await ScalarAsync<int>(connection, "SELECT pg_backend_pid()");

        // Floors: the same rows and client code into a bare heap with the table's columns, and into a copy with its
        // keys, indexes and checks but no foreign keys (LIKE … INCLUDING ALL copies no FKs and no triggers).
        var bare = new Dictionary<string, double>(StringComparer.Ordinal);
        var indexed = new Dictionary<string, double>(StringComparer.Ordinal);
        CpuUse? floorCpu = null;
        async Task FloorAsync<T>(CopyPlan<T> plan, string table, IEnumerable<T> rows)
        {
            foreach (var including in new[] { "", " INCLUDING ALL" })
            {
                await ExecuteAsync(connection, $"DROP TABLE IF EXISTS bench_copy_floor; CREATE TABLE bench_copy_floor (LIKE {table}{including})");
                await ExecuteAsync(connection, "CHECKPOINT");
                var meter = CpuMeter.Start(backend);
                plan.Write(connection, rows, "bench_copy_floor");
                var use = meter.Stop();
                (including.Length == 0 ? bare : indexed)[table] = use.Wall;
                if (table == "ratings" && including.Length == 0)
                {
                    floorCpu = use;
                }
            }
            await ExecuteAsync(connection, "DROP TABLE bench_copy_floor");
            Progress.Say($"Floors for {table}: bare heap {bare[table]:F2} s, with keys, indexes and checks {indexed[table]:F2} s");
        }
        await FloorAsync(assessments, "assessments", batch.Assessments);
        await FloorAsync(participants, "participants", batch.Participants);
        await FloorAsync(ratings, "ratings", batch.Ratings);
        var floorSeconds = bare.Values.Sum();
        Progress.Say($"Floor: every row into bare heaps in {floorSeconds:F2} s = {batch.Ratings.Count / floorSeconds:N0} ratings/s " +
                     $"(ratings alone: CPU harness {floorCpu!.Client:F1} s, backend {floorCpu.Server:F1} s)");

        // The load: one transaction, every key, index, check and foreign key in place; the summary trigger off.
        await ExecuteAsync(connection, "CHECKPOINT");
        var total = CpuMeter.Start(backend);
        double assessmentsSeconds, participantsSeconds, ratingsSeconds, commitSeconds;
        CpuUse ratingsCpu;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await ExecuteAsync(connection, $"ALTER TABLE assessments DISABLE TRIGGER {Trigger}");
            clock.Restart();
            assessments.Write(connection, batch.Assessments);
            assessmentsSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            participants.Write(connection, batch.Participants);
            participantsSeconds = clock.Elapsed.TotalSeconds;
            var meter = CpuMeter.Start(backend);
            ratings.Write(connection, batch.Ratings);
            ratingsCpu = meter.Stop();
            ratingsSeconds = ratingsCpu.Wall;
            await ExecuteAsync(connection, $"ALTER TABLE assessments ENABLE TRIGGER {Trigger}");
            clock.Restart();
            await transaction.CommitAsync();
            commitSeconds = clock.Elapsed.TotalSeconds;
        }
        var loadCpu = total.Stop();
        var loadSeconds = loadCpu.Wall;
        Progress.Say($"Load: assessments {assessmentsSeconds:F2} s, participants {participantsSeconds:F2} s, ratings {ratingsSeconds:F2} s, commit {commitSeconds:F2} s; " +
                     $"total {loadSeconds:F2} s = {batch.Ratings.Count / loadSeconds:N0} ratings/s (CPU: harness {loadCpu.Client:F1} s, backend {loadCpu.Server:F1} s)");

        var rebuildMeter = CpuMeter.Start(backend);
        await ExecuteAsync(connection, "SELECT refresh_benchmark_summaries(NULL)");
        var rebuildCpu = rebuildMeter.Stop();
        var rebuildSeconds = rebuildCpu.Wall;
        var areaResults = await ScalarAsync<long>(connection, "SELECT count(*) FROM area_results");
        var standardResults = await ScalarAsync<long>(connection, "SELECT count(*) FROM standard_results");
        Progress.Say($"Summary rebuild: {areaResults:N0} area results, {standardResults:N0} standard results in {rebuildSeconds:F1} s");

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
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname IN ('assessments', 'participants', 'ratings', 'area_results', 'standard_results')
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
            Tables =
            [
                new("assessments", batch.Assessments.Count, bare["assessments"], indexed["assessments"], assessmentsSeconds),
                new("participants", batch.Participants.Count, bare["participants"], indexed["participants"], participantsSeconds),
                new("ratings", batch.Ratings.Count, bare["ratings"], indexed["ratings"], ratingsSeconds),
            ],
            CommitSeconds = commitSeconds,
            LoadSeconds = loadSeconds,
            RebuildSeconds = rebuildSeconds,
            AreaResults = areaResults,
            StandardResults = standardResults,
            ProbeAssessments = units.Count * areaCount,
            ProbeTriggerOffSeconds = probeSeconds[0],
            ProbeTriggerOnSeconds = probeSeconds[1],
            VacuumAnalyzeSeconds = vacuumSeconds,
            TableBytes = sizes,
            FloorCpu = floorCpu,
            RatingsCpu = ratingsCpu,
            LoadCpu = loadCpu,
            RebuildCpu = rebuildCpu,
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
