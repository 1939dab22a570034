using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Data;

namespace SeQuIn.Benchmarks;

/// <summary>
/// The load step of the scale runs (<c>scale-load</c>): the same data set as <see cref="Loader"/>, grown by networks and
/// by months, loaded the same way (one transaction: keys, indexes and foreign keys dropped, TRUNCATE, COPY FREEZE,
/// rebuilt from the catalog's definitions and checked; then the summary rebuild the same way) — but streamed: at 16×
/// the rows and their encoding would need about 9 GB, so they are generated and encoded a chunk of units at a time,
/// the next chunk on a second thread while the current one is COPYed. Generation therefore runs inside the timed
/// window; it is reported separately (client seconds) and mostly overlaps PostgreSQL's work on the other core.
/// There is no floor here: the 1× figures of the same run are the baseline of the growth.
/// </summary>
public static class ScaleLoader
{
    private const string Trigger = "USER";
    private const string CopyOptions = "FORMAT BINARY, FREEZE";
    private static readonly string[] LoadedTables = ["assessments", "participants", "ratings"];
    private static readonly string[] SummaryTables = ["area_results", "standard_results"];
    private const int EncodingSample = 20_000;
    private const int RatingsPerChunk = 1_000_000;

    private sealed record Chunk(int Index, long Assessments, long Participants, long Ratings, EncodedCopy[] Data, double Seconds);

    public static async Task<LoadFigures> RunAsync(string connectionString, int networks, int monthCount)
    {
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString;
        var now = DateTimeOffset.UtcNow;
        var dbOptions = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(dbOptions, connectionString);
        await using var db = new SeQuInDbContext(dbOptions.Options);
        if (await db.Assessments.AnyAsync() || await db.Units.AnyAsync())
        {
            throw new InvalidOperationException("The database already has units or assessments: the harness loads into a fresh, migrated database.");
        }

        var units = await Dataset.CreateOrganisationsAsync(db, now, networks);
        var framework = await Dataset.ActiveFrameworkAsync(db);
        var standardCount = framework.Areas.Sum(a => a.Standards.Count);
        var last = Dataset.LastMonth(now);
        var first = last.AddMonths(-(monthCount - 1));
        var months = Dataset.MonthRange(first, monthCount);
        var unitsPerChunk = Math.Max(1, RatingsPerChunk / (monthCount * standardCount));
        Progress.Say($"{networks} networks, {units.Count} units, {monthCount} months ({Dataset.Format(first)} to {Dataset.Format(last)}): " +
                     $"{(long)units.Count * monthCount * standardCount:N0} ratings, generated and COPYed {unitsPerChunk} units at a time");

        var assessments = CopyPlan<Assessment>.From(db);
        var participants = CopyPlan<Participant>.From(db);
        var ratings = CopyPlan<Rating>.From(db);
        string Copy<T>(CopyPlan<T> plan) where T : class => $"COPY {plan.Table} ({string.Join(", ", plan.Columns)}) FROM STDIN ({CopyOptions})";
        string[] copies = [Copy(assessments), Copy(participants), Copy(ratings)];

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var backend = await Loader.ScalarAsync<int>(connection, "SELECT pg_backend_pid()");
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "wal_level", "fsync", "shared_buffers", "maintenance_work_mem", "work_mem", "max_parallel_maintenance_workers" })
        {
            settings[name] = await Loader.ScalarAsync<string>(connection, $"SHOW {name}");
        }

        using var chunks = Dataset.GenerateChunks(units, framework, months, now, unitsPerChunk).GetEnumerator();
        var index = 0;
        Chunk? Next()
        {
            var clock = Stopwatch.StartNew();
            if (!chunks.MoveNext())
            {
                return null;
            }
            var batch = chunks.Current;
            EncodedCopy[] data = [assessments.Encode(batch.Assessments), participants.Encode(batch.Participants), ratings.Encode(batch.Ratings)];
            return new Chunk(index++, batch.Assessments.Count, batch.Participants.Count, batch.Ratings.Count, data, clock.Elapsed.TotalSeconds);
        }

        // The encoding is checked on a sample of the first chunk, before any timer, as the 1× loader does.
        var firstBatch = Dataset.GenerateChunks(units, framework, months, now, 1).First();
        await assessments.VerifyEncodingAsync(connection, firstBatch.Assessments.Take(EncodingSample).ToList());
        await participants.VerifyEncodingAsync(connection, firstBatch.Participants.Take(EncodingSample).ToList());
        await ratings.VerifyEncodingAsync(connection, firstBatch.Ratings.Take(EncodingSample).ToList());

        var steps = new List<BulkStep>();
        long assessmentRows = 0, participantRows = 0, ratingRows = 0;
        double prepareSeconds, sendSeconds = 0, waitSeconds = 0, clientSeconds = 0, indexSeconds, foreignKeySeconds, commitSeconds;
        await Loader.ExecuteAsync(connection, "CHECKPOINT");
        var bulkMeter = CpuMeter.Start(backend);
        var total = Stopwatch.StartNew();
        BulkSchema schema;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            schema = await BulkSchema.CaptureAsync(connection, LoadedTables);
            await Loader.ExecuteAsync(connection, $"ALTER TABLE assessments DISABLE TRIGGER {Trigger}");
            await schema.DropAsync(connection, true, steps);
            await Loader.ExecuteAsync(connection, "TRUNCATE assessments, participants, ratings");
            prepareSeconds = total.Elapsed.TotalSeconds;

            var pending = Task.Run(Next);
            while (true)
            {
                var wait = Stopwatch.StartNew();
                var chunk = await pending;
                waitSeconds += wait.Elapsed.TotalSeconds;
                if (chunk is null)
                {
                    break;
                }
                pending = Task.Run(Next);
                clientSeconds += chunk.Seconds;
                var send = Stopwatch.StartNew();
                for (var t = 0; t < copies.Length; t++)
                {
                    chunk.Data[t].Send(connection, copies[t]);
                }
                sendSeconds += send.Elapsed.TotalSeconds;
                (assessmentRows, participantRows, ratingRows) = (assessmentRows + chunk.Assessments, participantRows + chunk.Participants, ratingRows + chunk.Ratings);
                if (chunk.Index % 10 == 9)
                {
                    Progress.Say($"  {ratingRows:N0} ratings COPYed ({total.Elapsed.TotalSeconds:F0} s)");
                }
            }

            var mark = total.Elapsed.TotalSeconds;
            await schema.RecreateIndexesAsync(connection, true, steps);
            indexSeconds = total.Elapsed.TotalSeconds - mark;
            mark = total.Elapsed.TotalSeconds;
            await schema.RecreateForeignKeysAsync(connection, steps);
            foreignKeySeconds = total.Elapsed.TotalSeconds - mark;
            await Loader.ExecuteAsync(connection, $"ALTER TABLE assessments ENABLE TRIGGER {Trigger}");
            mark = total.Elapsed.TotalSeconds;
            await transaction.CommitAsync();
            commitSeconds = total.Elapsed.TotalSeconds - mark;
        }
        var bulkCpu = bulkMeter.Stop();
        var copySeconds = bulkCpu.Wall - prepareSeconds - indexSeconds - foreignKeySeconds - commitSeconds;
        Progress.Say($"Bulk load, BEGIN to COMMIT: {bulkCpu.Wall:F1} s = {ratingRows / bulkCpu.Wall:N0} ratings/s — COPY phase {copySeconds:F1} s " +
                     $"(streaming {sendSeconds:F1} s, waiting for the generator {waitSeconds:F1} s; generating and encoding {clientSeconds:F1} s on the other thread), " +
                     $"keys and indexes {indexSeconds:F1} s, foreign keys {foreignKeySeconds:F1} s");
        foreach (var step in steps.Where(s => s.Phase != "drop"))
        {
            Progress.Say($"    {step.Phase} {step.Name} on {step.Table}: {step.Seconds:F2} s");
        }
        var checkedObjects = await schema.AssertRestoredAsync(connection);
        foreach (var (table, expected) in new[] { ("assessments", assessmentRows), ("participants", participantRows), ("ratings", ratingRows) })
        {
            var count = await Loader.ScalarAsync<long>(connection, $"SELECT count(*) FROM {table}");
            if (count != expected)
            {
                throw new InvalidOperationException($"{table} has {count:N0} rows after the load, not {expected:N0}.");
            }
        }

        var clock = Stopwatch.StartNew();
        await Loader.ExecuteAsync(connection, "ANALYZE assessments, participants, ratings");
        var analyzeLoaded = clock.Elapsed.TotalSeconds;

        var rebuildSteps = new List<BulkStep>();
        await Loader.ExecuteAsync(connection, "CHECKPOINT");
        var rebuildMeter = CpuMeter.Start(backend);
        double rebuildFunction, rebuildIndex, rebuildForeignKeys;
        BulkSchema summaries;
        clock.Restart();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            summaries = await BulkSchema.CaptureAsync(connection, SummaryTables);
            await summaries.DropAsync(connection, true, rebuildSteps);
            var mark = clock.Elapsed.TotalSeconds;
            await Loader.ExecuteAsync(connection, "SELECT refresh_benchmark_summaries(NULL)");
            rebuildFunction = clock.Elapsed.TotalSeconds - mark;
            mark = clock.Elapsed.TotalSeconds;
            await summaries.RecreateIndexesAsync(connection, true, rebuildSteps);
            rebuildIndex = clock.Elapsed.TotalSeconds - mark;
            mark = clock.Elapsed.TotalSeconds;
            await summaries.RecreateForeignKeysAsync(connection, rebuildSteps);
            rebuildForeignKeys = clock.Elapsed.TotalSeconds - mark;
            await transaction.CommitAsync();
        }
        var rebuildCpu = rebuildMeter.Stop();
        var summaryObjects = await summaries.AssertRestoredAsync(connection);
        clock.Restart();
        await Loader.ExecuteAsync(connection, "ANALYZE area_results, standard_results");
        var analyzeSummaries = clock.Elapsed.TotalSeconds;
        var areaResults = await Loader.ScalarAsync<long>(connection, "SELECT count(*) FROM area_results");
        var standardResults = await Loader.ScalarAsync<long>(connection, "SELECT count(*) FROM standard_results");
        Progress.Say($"Summary rebuild, BEGIN to COMMIT: {rebuildCpu.Wall:F1} s — function {rebuildFunction:F1} s, keys and indexes {rebuildIndex:F1} s, " +
                     $"foreign keys {rebuildForeignKeys:F1} s; {areaResults:N0} area results, {standardResults:N0} standard results");

        clock.Restart();
        await Loader.ExecuteAsync(connection, "VACUUM (ANALYZE)");
        var vacuumSeconds = clock.Elapsed.TotalSeconds;
        Progress.Say($"VACUUM (ANALYZE): {vacuumSeconds:F1} s");

        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname IN ('assessments', 'participants', 'ratings', 'area_results', 'standard_results')
            UNION ALL SELECT 'database', pg_database_size(current_database())
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sizes[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        Progress.Say($"Database size {sizes["database"] / 1e9:F1} GB");

        return new LoadFigures
        {
            Units = units.Count,
            Months = monthCount,
            FirstMonth = Dataset.Format(first),
            LastMonth = Dataset.Format(last),
            Assessments = assessmentRows,
            Participants = participantRows,
            Ratings = ratingRows,
            GenerateSeconds = clientSeconds,
            Settings = settings,
            CopyOptions = CopyOptions,
            DropKeys = true,
            BulkSeconds = bulkCpu.Wall,
            BulkPrepareSeconds = prepareSeconds,
            BulkCopySeconds = copySeconds,
            BulkIndexSeconds = indexSeconds,
            BulkForeignKeySeconds = foreignKeySeconds,
            BulkCommitSeconds = commitSeconds,
            BulkCpu = bulkCpu,
            BulkSteps = steps,
            SchemaObjectsChecked = checkedObjects,
            RebuildSeconds = rebuildCpu.Wall,
            RebuildFunctionSeconds = rebuildFunction,
            RebuildIndexSeconds = rebuildIndex,
            RebuildForeignKeySeconds = rebuildForeignKeys,
            RebuildDropsIndexes = true,
            RebuildSteps = rebuildSteps,
            SummaryObjectsChecked = summaryObjects,
            RebuildCpu = rebuildCpu,
            AnalyzeLoadedSeconds = analyzeLoaded,
            AnalyzeSummariesSeconds = analyzeSummaries,
            AreaResults = areaResults,
            StandardResults = standardResults,
            VacuumAnalyzeSeconds = vacuumSeconds,
            TableBytes = sizes,
        };
    }
}
