using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace SeQuIn.Benchmarks;

/// <summary>One line of the results table. Ratio = figure ÷ baseline.</summary>
public sealed record ResultRow(string Measure, double Figure, string Unit, double? Baseline, string? BaselineWhat, double? Ratio, string Target, bool? Met, string? Notes = null);

/// <param name="IdleBusyCores">Cores busy over one second before measuring, with the service idle: other load on the machine.</param>
public sealed record EnvironmentFacts(string When, string Commit, string Cpu, int Cores, string Memory, string Os, string DotNet, string PostgreSql,
    Dictionary<string, string> Settings, string Wrk, double IdleBusyCores, List<string> OtherProcesses);

public sealed record Results(EnvironmentFacts Environment, List<ResultRow> Table, LoadFigures Load, List<QueryResult> Queries, StackFloor Stack,
    FreshnessResult Freshness, ExportResult Export);

public static class Report
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static List<ResultRow> Table(LoadFigures load, List<QueryResult> queries, FreshnessResult freshness, ExportResult export)
    {
        var floorRate = load.Ratings / load.FloorSeconds;
        var bulkRate = load.Ratings / load.BulkSeconds;
        var bulkCopyRate = load.Ratings / load.BulkCopySeconds;
        var buildSeconds = load.BulkIndexSeconds + load.BulkForeignKeySeconds;
        var rebuildRate = load.Ratings / load.RebuildSeconds;
        var queryableRate = load.Ratings / load.QueryableSeconds;
        var floorWhat = $"floor: the same bytes, client path, COPY options and session into bare heaps created in one transaction, BEGIN to COMMIT; mean of {load.FloorBeforeSeconds:F2} s before and {load.FloorAfterSeconds:F2} s after the load";
        var slowest = load.BulkSteps.Where(s => s.Phase != "drop").OrderByDescending(s => s.Seconds).Take(3).Select(s => $"{s.Name} {s.Seconds:F2} s");
        var rows = new List<ResultRow>
        {
            new($"Bulk load, COPY through valid constraints: {load.Assessments:N0} assessments, {load.Participants:N0} participants, {load.Ratings:N0} ratings in one transaction, BEGIN to COMMIT — foreign keys, secondary indexes{(load.DropKeys ? " and primary keys" : "")} dropped, TRUNCATE, COPY ({load.CopyOptions}), {(load.DropKeys ? "keys and " : "")}indexes built, foreign keys added and validated",
                bulkRate, "ratings/s", floorRate, floorWhat, bulkRate / floorRate, "≥ 1,000,000 ratings/s", bulkRate >= 1_000_000,
                $"{load.BulkSeconds:F2} s = prepare {load.BulkPrepareSeconds:F2} + COPY {load.BulkCopySeconds:F2} + keys and indexes {load.BulkIndexSeconds:F2} + foreign keys {load.BulkForeignKeySeconds:F2} + commit {load.BulkCommitSeconds:F2}; afterwards {load.SchemaObjectsChecked} constraints, indexes and triggers checked identical to before, every constraint validated"),
            new("Bulk load, COPY phase alone: the three COPYs into the emptied tables (no FKs, no secondary indexes" + (load.DropKeys ? ", no keys" : "") + "), inside the load transaction",
                bulkCopyRate, "ratings/s", floorRate, "the floor above", bulkCopyRate / floorRate, "—", null,
                $"{load.BulkCopySeconds:F2} s: " + string.Join(", ", load.Tables.Select(t => $"{t.Table} {t.CopySeconds:F2} s"))),
            new($"Bulk load, index and constraint phase alone: {(load.DropKeys ? "keys and " : "")}indexes built, then foreign keys validated set-wise (ratings ÷ seconds of the phase)",
                load.Ratings / buildSeconds, "ratings/s", floorRate, "the floor above", load.Ratings / buildSeconds / floorRate, "—", null,
                $"{buildSeconds:F2} s; slowest steps: {string.Join(", ", slowest)}"),
            new($"Summary rebuild, BEGIN to COMMIT: refresh_benchmark_summaries(NULL){(load.RebuildDropsIndexes ? $" with the summary tables' foreign keys, indexes{(load.DropKeys ? " and keys" : "")} dropped before and rebuilt after" : "")}",
                rebuildRate, "ratings/s", floorRate, "the floor above", rebuildRate / floorRate, "—", null,
                $"{load.RebuildSeconds:F1} s = function {load.RebuildFunctionSeconds:F1} + keys and indexes {load.RebuildIndexSeconds:F1} + foreign keys {load.RebuildForeignKeySeconds:F2} (+ drops, commit); {load.AreaResults:N0} area results, {load.StandardResults:N0} standard results"),
            new("Load until queryable: bulk load + ANALYZE of the three tables + summary rebuild + ANALYZE of the summary tables", queryableRate, "ratings/s", floorRate, "the floor above",
                queryableRate / floorRate, "—", null,
                $"{load.QueryableSeconds:F1} s = {load.BulkSeconds:F1} + {load.AnalyzeLoadedSeconds:F1} + {load.RebuildSeconds:F1} + {load.AnalyzeSummariesSeconds:F1}; the VACUUM (ANALYZE) before measuring, {load.VacuumAnalyzeSeconds:F1} s, not included"),
            new($"Per-row summary trigger: {load.ProbeAssessments:N0} assessments (one month) COPYed with the deferred trigger on",
                load.ProbeAssessments / load.ProbeTriggerOnSeconds, "assessments/s", load.ProbeAssessments / load.ProbeTriggerOffSeconds, "same batch, trigger off",
                load.ProbeTriggerOffSeconds / load.ProbeTriggerOnSeconds, "—", null,
                $"{(load.ProbeTriggerOnSeconds - load.ProbeTriggerOffSeconds) * 1000 / load.ProbeAssessments:F2} ms per assessment at commit"),
        };
        foreach (var q in queries)
        {
            var floor = q.Floor1.Latency!.MedianMs;
            rows.Add(new($"{q.Title}: median latency, HTTP, one client", q.Http.MedianMs, "ms", floor, $"pgbench -c 1 median, {q.Statements} statements",
                q.Http.MedianMs / floor, $"≤ {q.TargetMs:0} ms", q.Http.MedianMs <= q.TargetMs, $"p90 {q.Http.P90Ms:F2} ms, p99 {q.Http.P99Ms:F2} ms"));
            var tps = q.FloorThroughput;
            rows.Add(new($"{q.Title}: throughput, wrk -t2 -c8", q.Wrk.RequestsPerSecond, "requests/s", tps,
                $"pgbench scripts/s, best of -c 2 ({q.Floor2.Tps:N0}) and -c 8 ({q.Floor8.Tps:N0})", q.Wrk.RequestsPerSecond / tps, "≥ 0.5 × floor",
                q.Wrk.RequestsPerSecond / tps >= 0.5));
        }
        rows.Add(new($"Freshness: submit (API, unit member) + GET benchmark until it shows the score, median of {freshness.Samples}", freshness.Total.MedianMs, "ms",
            freshness.SqlBaseline.MedianMs, "SQL: UPDATE … Submitted + COMMIT (same trigger) + read area_results", freshness.Total.MedianMs / freshness.SqlBaseline.MedianMs,
            "≤ 50 ms", freshness.Total.MedianMs <= 50,
            $"submit {freshness.Submit.MedianMs:F1} + first read {freshness.FirstRead.MedianMs:F1} ms; max {freshness.Total.MaxMs:F1} ms; visible at read #{freshness.ReadsNeeded} at worst"));
        var exportRate = export.Rows / export.Seconds;
        var copyRate = export.FloorRows / export.FloorCopySeconds;
        rows.Add(new($"CSV export of all {export.Rows:N0} ratings (GET /api/v1/exports/ratings.csv)", exportRate, "rows/s", copyRate,
            "same SQL as COPY … TO STDOUT (FORMAT csv)", exportRate / copyRate, "≥ 1,000,000 rows/s", exportRate >= 1_000_000,
            $"{export.Seconds:F1} s, {export.Bytes / 1e6:N0} MB; Npgsql reader over the same SQL: {export.FloorRows / export.ReaderSeconds:N0} rows/s" +
            (export.SentCopySeconds is { } sent ? $"; the statement as sent (binary COPY, discarded): {export.FloorRows / sent:N0} rows/s" : "")));
        var growth = export.RssMaxMb - export.RssBeforeMb;
        rows.Add(new("CSV export: service RSS growth (max − before, VmRSS every 100 ms)", growth, "MB", export.RssBeforeMb, "RSS before the export", null, "< 50 MB", growth < 50,
            $"max {export.RssMaxMb:F0} MB, {export.RssAfterMb:F0} MB 1 s after; {export.RssSamples} samples"));
        return rows;
    }

    public static async Task<EnvironmentFacts> EnvironmentAsync(string connectionString, string commit, string wrk, double idleBusyCores, List<string> otherProcesses)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var kilobytes = long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(':', 2)[1].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture);
        var memory = $"{kilobytes / 1024.0 / 1024.0:F1} GiB";
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        string version;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            version = await Loader.ScalarAsync<string>(connection, "SELECT version()");
            foreach (var name in new[] { "shared_buffers", "work_mem", "effective_cache_size", "fsync", "synchronous_commit", "full_page_writes", "wal_level", "maintenance_work_mem", "max_wal_size", "jit", "random_page_cost", "max_connections" })
            {
                settings[name] = await Loader.ScalarAsync<string>(connection, $"SHOW {name}");
            }
        }
        var wrkVersion = "unknown";
        try
        {
            var output = await Processes.RunAsync(wrk, ["-v"]);
            var first = (output.Stdout + output.Stderr).Split('\n')[0].Trim();
            wrkVersion = first.Contains(" Copyright", StringComparison.Ordinal) ? first[..first.IndexOf(" Copyright", StringComparison.Ordinal)] : first;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // wrk is missing: the measure step will say so.
        }
        return new EnvironmentFacts(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture), commit, cpu, Environment.ProcessorCount, memory,
            RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, version, settings, wrkVersion, idleBusyCores, otherProcesses);
    }

    public static async Task WriteAsync(string directory, Results results)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "latest.json"), JsonSerializer.Serialize(results, JsonOptions));
        await File.WriteAllTextAsync(Path.Combine(directory, "latest.md"), Markdown(results));
    }

    private static string Markdown(Results r)
    {
        var md = new StringBuilder();
        var (env, load) = (r.Environment, r.Load);
        md.AppendLine("# SeQuIn performance harness: latest results").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {env.When} on commit `{env.Commit}`: {env.Cores} × {env.Cpu}, {env.Memory}; {env.PostgreSql.Split(" on ")[0]}; {env.DotNet}; {env.Wrk}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Data set: {load.Units} units, {load.Months} months ({load.FirstMonth} to {load.LastMonth}), {load.Assessments:N0} submitted assessments, {load.Ratings:N0} standard ratings.");
        if (env.IdleBusyCores > 0.25)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"**Warning:** before measuring, with the service idle, {env.IdleBusyCores:F2} of {env.Cores} cores were busy ({string.Join(", ", env.OtherProcesses)}): the figures are noisier than usual.");
        }
        md.AppendLine("Every baseline was measured in the same run, on the same machine and database. Ratio = figure ÷ baseline (for latencies, how many times slower than the SQL floor; for rates, the share of the floor reached).").AppendLine();

        md.AppendLine("| Measure | Figure | Baseline | Ratio | Target | Met? |").AppendLine("|---|---:|---|---:|---|:---:|");
        foreach (var row in r.Table)
        {
            var baseline = row.Baseline is { } b ? $"{Number(b, row.Unit)} {row.Unit} ({row.BaselineWhat})" : "—";
            var ratio = row.Ratio is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "—";
            var met = row.Met switch { true => "yes", false => "**no**", null => "—" };
            var notes = row.Notes is null ? "" : $"<br><sub>{row.Notes}</sub>";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Measure}{notes} | {Number(row.Figure, row.Unit)} {row.Unit} | {baseline} | {ratio} | {row.Target} | {met} |");
        }
        md.AppendLine();

        md.AppendLine("## Bulk load").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Rows generated in memory ({load.GenerateSeconds:F1} s), then encoded to PostgreSQL's binary COPY format in memory ({load.EncodeSeconds:F1} s, {load.Tables.Sum(t => t.Bytes) / 1e6:N0} MB; checked byte for byte against Npgsql's importer on a sample): neither is part of any figure. Every timed COPY streams those bytes with `BeginRawBinaryCopy` on one connection, `COPY … FROM STDIN ({load.CopyOptions})`. Session: {string.Join(", ", load.Settings.Select(s => $"{s.Key}={s.Value}"))}.").AppendLine();
        md.AppendLine("| Table | Rows | MB | Floor before s (rows/s) | Floor after s (rows/s) | COPY in the bulk load s (rows/s) | CPU harness / backend, bulk-load COPY s |").AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var t in load.Tables)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {t.Table} | {t.Rows:N0} | {t.Bytes / 1e6:N0} | {t.FloorSeconds:F2} ({t.Rows / t.FloorSeconds:N0}) | {t.FloorAfterSeconds:F2} ({t.Rows / t.FloorAfterSeconds:N0}) | {t.CopySeconds:F2} ({t.Rows / t.CopySeconds:N0}) | {t.CopyCpu.Client:F2} / {t.CopyCpu.Server:F2} |");
        }
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| **all, BEGIN to COMMIT** | | | {load.FloorBeforeSeconds:F2} ({load.Ratings / load.FloorBeforeSeconds:N0} ratings/s) | {load.FloorAfterSeconds:F2} ({load.Ratings / load.FloorAfterSeconds:N0} ratings/s) | {load.BulkSeconds:F2} ({load.Ratings / load.BulkSeconds:N0} ratings/s) | {load.BulkCpu?.Client:F2} / {load.BulkCpu?.Server:F2} |").AppendLine();
        md.AppendLine("| Phase of the bulk load (one transaction) | Seconds | ratings/s | CPU backend s | machine busy cores |").AppendLine("|---|---:|---:|---:|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| prepare: read the definitions from the catalog, disable the summary trigger, drop {load.BulkSteps.Count(s => s.Phase == "drop")} foreign keys, indexes{(load.DropKeys ? " and keys" : "")}, TRUNCATE | {load.BulkPrepareSeconds:F2} | | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| COPY of the three tables | {load.BulkCopySeconds:F2} | {load.Ratings / load.BulkCopySeconds:N0} | {load.BulkCopyCpu?.Server:F2} | {load.BulkCopyCpu?.MachineBusyCores:F2} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| keys and indexes built, then foreign keys validated (below, step by step) | {load.BulkIndexSeconds + load.BulkForeignKeySeconds:F2} | {load.Ratings / (load.BulkIndexSeconds + load.BulkForeignKeySeconds):N0} | {load.BulkIndexCpu?.Server:F2} (leader only) | {load.BulkIndexCpu?.MachineBusyCores:F2} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| COMMIT | {load.BulkCommitSeconds:F2} | | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **bulk load, BEGIN to COMMIT** | **{load.BulkSeconds:F2}** | **{load.Ratings / load.BulkSeconds:N0}** | {load.BulkCpu?.Server:F2} | {load.BulkCpu?.MachineBusyCores:F2} |").AppendLine();
        StepTable(md, "Rebuilt in the bulk load", load.BulkSteps);
        md.AppendLine(CultureInfo.InvariantCulture, $"After the COMMIT the harness read the catalog again: {load.SchemaObjectsChecked} constraints, indexes and user triggers of assessments, participants and ratings (and the foreign keys into them) have the names, definitions (`pg_get_constraintdef`, `pg_get_indexdef`, `pg_get_triggerdef`) and flags they had before, and every constraint is validated (`convalidated`); the row counts are right.").AppendLine();
        md.AppendLine("| Until queryable | Seconds | ratings/s |").AppendLine("|---|---:|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| bulk load, BEGIN to COMMIT (above) | {load.BulkSeconds:F2} | {load.Ratings / load.BulkSeconds:N0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| ANALYZE assessments, participants, ratings | {load.AnalyzeLoadedSeconds:F2} | |");
        if (load.RebuildDropsIndexes)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| summary rebuild: drop the summary tables' {load.RebuildSteps.Count(s => s.Phase == "drop")} foreign keys, indexes{(load.DropKeys ? " and keys" : "")} | {load.RebuildPrepareSeconds:F2} | |");
        }
        md.AppendLine(CultureInfo.InvariantCulture, $"| summary rebuild: refresh_benchmark_summaries(NULL), {load.AreaResults:N0} area results and {load.StandardResults:N0} standard results | {load.RebuildFunctionSeconds:F2} | |");
        if (load.RebuildDropsIndexes)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| summary rebuild: keys and indexes built (below) | {load.RebuildIndexSeconds:F2} | |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| summary rebuild: foreign keys validated | {load.RebuildForeignKeySeconds:F2} | |");
        }
        md.AppendLine(CultureInfo.InvariantCulture, $"| summary rebuild: COMMIT | {load.RebuildCommitSeconds:F2} | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **summary rebuild, BEGIN to COMMIT** (CPU backend {load.RebuildCpu?.Server:F1} s, {load.RebuildCpu?.MachineBusyCores:F2} cores of the machine busy) | **{load.RebuildSeconds:F2}** | {load.Ratings / load.RebuildSeconds:N0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| ANALYZE area_results, standard_results | {load.AnalyzeSummariesSeconds:F2} | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **until queryable** | **{load.QueryableSeconds:F2}** | **{load.Ratings / load.QueryableSeconds:N0}** |").AppendLine();
        if (load.RebuildDropsIndexes)
        {
            StepTable(md, "Rebuilt in the summary rebuild", load.RebuildSteps);
            md.AppendLine(CultureInfo.InvariantCulture, $"After its COMMIT the summary tables' {load.SummaryObjectsChecked} constraints, indexes and triggers were checked identical to before, every constraint validated.").AppendLine();
        }
        md.AppendLine("| Other | Seconds | Rate |").AppendLine("|---|---:|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Probe month before the history, {load.ProbeAssessments:N0} assessments (Npgsql importer, all keys, indexes and foreign keys in place), trigger off | {load.ProbeTriggerOffSeconds:F2} | {load.ProbeAssessments / load.ProbeTriggerOffSeconds:N0} assessments/s |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| The same with the trigger on (one refresh per assessment at commit; deleted afterwards) | {load.ProbeTriggerOnSeconds:F2} | {load.ProbeAssessments / load.ProbeTriggerOnSeconds:N0} assessments/s |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| VACUUM (ANALYZE) after the load | {load.VacuumAnalyzeSeconds:F1} | |");
        md.AppendLine().AppendLine("Table sizes after the load: " + string.Join(", ", load.TableBytes.Select(t => $"{t.Key} {t.Value / 1e6:N0} MB")) + ".").AppendLine();

        md.AppendLine("## Benchmark queries").AppendLine();
        md.AppendLine("| Query | Statements (+ DISCARD ALL) | HTTP median / p90 / p99 ms | SQL -c1 median / mean ms | SQL -c1 as sent, median ms | SQL -c1 / -c2 / -c8 tps | wrk -c8 req/s (p50 / p99 ms) | CPU ms per request under wrk: service / PostgreSQL (pgbench -c8: PostgreSQL per script) | Busy cores under wrk |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var q in r.Queries)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {q.Name} | {q.Statements} (+{q.Resets}) | {q.Http.MedianMs:F2} / {q.Http.P90Ms:F2} / {q.Http.P99Ms:F2} | {q.Floor1.Latency!.MedianMs:F2} / {q.Floor1.LatencyAverageMs:F2} | {q.AsSent1.Latency!.MedianMs:F2} | {q.Floor1.Tps:N0} / {q.Floor2.Tps:N0} / {q.Floor8.Tps:N0} | {q.Wrk.RequestsPerSecond:N0} ({q.Wrk.P50Ms:F2} / {q.Wrk.P99Ms:F2}) | {q.WrkCpu.ServiceMsPerRequest:F2} / {q.WrkCpu.DatabaseMsPerRequest:F2} ({q.Floor8Cpu.DatabaseMsPerRequest:F2}) | {q.WrkCpu.MachineBusyCores:F2} |");
        }
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| reference: GET /health/live (anonymous, no database) | 0 | {r.Stack.Http.MedianMs:F2} / {r.Stack.Http.P90Ms:F2} / {r.Stack.Http.P99Ms:F2} | | | | {r.Stack.Wrk.RequestsPerSecond:N0} ({r.Stack.Wrk.P50Ms:F2} / {r.Stack.Wrk.P99Ms:F2}) | {r.Stack.WrkCpu.ServiceMsPerRequest:F3} / — | {r.Stack.WrkCpu.MachineBusyCores:F2} |");
        md.AppendLine().AppendLine("CPU per request is CPU seconds used by the service process and by its PostgreSQL backends during the wrk run, divided by the requests wrk completed; for pgbench, by the PostgreSQL backends in the middle of the -c 8 run, divided by the scripts completed. What is left of the busy cores is wrk's and the kernel's.").AppendLine();
        foreach (var q in r.Queries)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### {q.Name}: {q.Title}").AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"`GET {q.Path}` — SQL in [sql/{q.Name}.sql](sql/{q.Name}.sql), plans in [explain/{q.Name}.txt](explain/{q.Name}.txt).").AppendLine();
            ExplainTable(md, q.Explains, q.Floor1.StatementMs);
        }
        md.AppendLine("### export: GET /api/v1/exports/ratings.csv").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{r.Export.Rows:N0} rows, {r.Export.Bytes / 1e6:N0} MB in {r.Export.Seconds:F2} s (first byte after {r.Export.FirstByteSeconds * 1000:F0} ms). Same SQL: COPY TO STDOUT csv {r.Export.FloorCopySeconds:F2} s; Npgsql reader {r.Export.ReaderSeconds:F2} s{(r.Export.SentCopySeconds is { } sent ? $"; the binary COPY as sent, discarded, {sent:F2} s" : "")}. RSS {r.Export.RssBeforeMb:F0} MB before, {r.Export.RssMaxMb:F0} MB max, {r.Export.RssAfterMb:F0} MB after. SQL in [sql/export.sql](sql/export.sql).").AppendLine();
        ExplainTable(md, r.Export.Explains, []);

        var f = r.Freshness;
        md.AppendLine("## Freshness").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{f.Samples} drafts of the current month (one per area and unit, complete, made through the API by a unit member) were submitted one at a time, after 12 untimed ones; each time, GET benchmark for the unit and month was read until it showed the new area score.").AppendLine();
        md.AppendLine("| | median ms | p90 ms | max ms |").AppendLine("|---|---:|---:|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| POST submit round trip | {f.Submit.MedianMs:F1} | {f.Submit.P90Ms:F1} | {f.Submit.MaxMs:F1} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| first GET benchmark after it | {f.FirstRead.MedianMs:F1} | {f.FirstRead.P90Ms:F1} | {f.FirstRead.MaxMs:F1} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **submit until visible** (reads needed at worst: {f.ReadsNeeded}) | {f.Total.MedianMs:F1} | {f.Total.P90Ms:F1} | {f.Total.MaxMs:F1} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| baseline: SQL UPDATE + COMMIT + read | {f.SqlBaseline.MedianMs:F1} | {f.SqlBaseline.P90Ms:F1} | {f.SqlBaseline.MaxMs:F1} |").AppendLine();
        md.AppendLine("Each submission, in order (ms): " + string.Join("; ", f.Details.Select(d => $"{d.Unit} {d.Area} {d.SubmitMs:F0}+{d.FirstReadMs:F0}")) + ".").AppendLine();

        md.AppendLine("## Method").AppendLine();
        md.AppendLine("- **SQL floor = the exact SQL the endpoint runs.** For each endpoint the harness turns on `log_statement = all` (ALTER SYSTEM + reload) for one request and reads the statements of the service's connections (`Application Name=sequin-api`) back from PostgreSQL's jsonlog, with their parameter values. This is what EF generated and the server executed — including the API-key lookup of the authentication handler — not hand-written equivalents. The scripts are in `sql/`: `*.pgbench.sql` (parameters as pgbench variables, values in `*.defines`), `*.as-sent.pgbench.sql` (the same with the `DISCARD ALL` Npgsql sends before each statement when a pooled connection is reused), `*.sql` (values written in, for reading and EXPLAIN).");
        md.AppendLine("- **pgbench** runs the captured statements of one request as one transaction script: `-n -M extended` (parameters bound separately, as Npgsql does), `-T " + (r.Queries.FirstOrDefault()?.Floor1.Seconds ?? 10) + "`; `-c 1` with a per-transaction log for the median, `-c 2 -j 2` and `-c 8 -j 2` for throughput (the floor is the better of the two). The floor leaves out the `DISCARD ALL` resets; the as-sent column prices them.");
        md.AppendLine("- **HTTP latency**: one HttpClient, one connection, warm-up of at least 300 requests and 3 s, then " + (r.Queries.FirstOrDefault()?.Http.Count ?? 0) + " sequential requests; body read completely. **Throughput**: `wrk -t2 -c8 -d10s --latency` with the same URL and key; any non-2xx response fails the run.");
        md.AppendLine("- **Bulk load**, as PostgreSQL's *Populating a Database* describes it: rows generated in memory (fixed seed) and encoded to binary COPY format in memory before any timer, by writers compiled from the service's EF model (tables, columns, store types, enum conversions) and checked byte for byte against Npgsql's own importer on the first 20,000 rows of each table. Then one transaction: the definitions of every constraint, index and user trigger of assessments, participants and ratings, and of the foreign keys that reference them, are read from the catalog (`pg_get_constraintdef`, `pg_get_indexdef`); the summary triggers are disabled; the foreign keys, secondary indexes and primary keys are dropped; the (empty) tables are TRUNCATEd, so that COPY may FREEZE and, with `wal_level = minimal`, writes no WAL; each table is COPYed from the bytes in memory (`BeginRawBinaryCopy`, one connection); keys and indexes are recreated from the saved definitions (parallel index builds), then the foreign keys, each validated by one set-wise query; triggers enabled; COMMIT. Afterwards the catalog is read again and must match exactly, every constraint validated (`convalidated`), and the row counts are checked. **Floor**: the same bytes, client path, COPY options and session into bare heaps (`CREATE TABLE … (LIKE t)`: columns and NOT NULL) created in one transaction, so that FREEZE and WAL skipping apply to it too, BEGIN to COMMIT; measured right before and right after the bulk load, the baseline is their mean. **Until queryable** adds `ANALYZE` of the three tables, the summary rebuild (one transaction: the summary tables' foreign keys, indexes and keys dropped the same way, `refresh_benchmark_summaries(NULL)`, rebuilt, validated and checked) and `ANALYZE` of the summary tables.");
        md.AppendLine("- **Freshness**: one unit's 12 areas are submitted first, untimed, to warm the write path up; then two units' 24 are timed. **Baseline**: the database's share — a draft made the same way is submitted with a direct `UPDATE … SET status = 'Submitted'` + `COMMIT` (firing the same deferred trigger) and the unit's area results are read back (also after an untimed unit).");
        md.AppendLine("- **Export**: read as fast as possible over loopback; VmRSS of the service process sampled every 100 ms from /proc; the export runs first after start-up and a small warm-up export. Baselines: the captured SQL as `COPY (…) TO STDOUT (FORMAT csv, HEADER)`, and read row by row with Npgsql; when the service sends it as `COPY (SELECT …) TO STDOUT (FORMAT BINARY)`, the baselines run that SELECT, and the statement as sent is timed too (read raw, discarded).");
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- The service, PostgreSQL, pgbench and wrk share the machine's {env.Cores} cores. Before measuring, with the service idle, {env.IdleBusyCores:F2} cores were busy") +
            (env.OtherProcesses.Count > 0 ? $" (other processes: {string.Join(", ", env.OtherProcesses)})" : " (no other process)") + ". PostgreSQL settings: " + string.Join(", ", env.Settings.Select(s => $"{s.Key}={s.Value}")) + ".");
        return md.ToString();
    }

    private static void StepTable(StringBuilder md, string title, List<BulkStep> steps)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"| {title} | Table | Seconds |").AppendLine("|---|---|---:|");
        foreach (var step in steps.Where(s => s.Phase != "drop"))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {step.Phase} `{step.Name}` | {step.Table} | {step.Seconds:F2} |");
        }
        md.AppendLine();
    }

    /// <param name="pgbenchMs">pgbench -c 1 average per statement (round trip, rows sent), in the same order; empty when not run.</param>
    private static void ExplainTable(StringBuilder md, List<ExplainResult> explains, List<double> pgbenchMs)
    {
        md.AppendLine("| # | Statement | pgbench -c1 ms | Execution ms | Planning ms | Rows | Plan (top → first scan) |").AppendLine("|---:|---|---:|---:|---:|---:|---|");
        foreach (var e in explains)
        {
            var pgbench = e.Index <= pgbenchMs.Count ? pgbenchMs[e.Index - 1].ToString("F3", CultureInfo.InvariantCulture) : "—";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {e.Index} | `{e.Summary.Replace("|", "\\|", StringComparison.Ordinal)}` | {pgbench} | {e.ExecutionMs:F3} | {e.PlanningMs:F3} | {e.Rows:N0} | {e.PlanTop.Replace("|", "\\|", StringComparison.Ordinal)}{(e.Jit ? " (JIT)" : "")} |");
        }
        md.AppendLine();
        md.AppendLine("pgbench -c1 ms is the statement's average latency seen by the client (round trip, rows sent, text format); Execution and Planning are from EXPLAIN (ANALYZE, BUFFERS), which does not send the rows.").AppendLine();
    }

    private static string Number(double value, string unit) => unit switch
    {
        "ms" => value.ToString("0.00", CultureInfo.InvariantCulture),
        "MB" => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("N0", CultureInfo.InvariantCulture),
    };
}
