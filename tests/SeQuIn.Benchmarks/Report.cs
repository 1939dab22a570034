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
        var loadRate = load.Ratings / load.LoadSeconds;
        var ratingsTable = load.Tables.Single(t => t.Table == "ratings");
        var rows = new List<ResultRow>
        {
            new($"Bulk load: binary COPY of {load.Assessments:N0} assessments, {load.Participants:N0} participants and {load.Ratings:N0} ratings in one transaction (summary trigger off)",
                loadRate, "ratings/s", floorRate, "same rows, same client, into bare heaps (columns only)", loadRate / floorRate, "≥ 1,000,000 ratings/s", loadRate >= 1_000_000,
                $"{load.LoadSeconds:F1} s; into copies with the same keys, indexes and checks but no FKs: {load.IndexedFloorSeconds:F1} s"),
            new("Bulk load, ratings COPY alone (ratings: PK, index, check, 2 FKs)", load.Ratings / ratingsTable.LoadSeconds, "ratings/s", load.Ratings / ratingsTable.BareSeconds,
                "ratings into a bare heap", ratingsTable.BareSeconds / ratingsTable.LoadSeconds, "—", null,
                $"{ratingsTable.LoadSeconds:F1} s; same keys, index and check without FKs: {load.Ratings / ratingsTable.IndexedSeconds:N0} ratings/s"),
            new("Summary rebuild: refresh_benchmark_summaries(NULL) after the load", load.Ratings / load.RebuildSeconds, "ratings/s", floorRate, "bare-heap COPY",
                load.Ratings / load.RebuildSeconds / floorRate, "—", null, $"{load.RebuildSeconds:F1} s"),
            new("Load until queryable (COPY + summary rebuild)", load.Ratings / (load.LoadSeconds + load.RebuildSeconds), "ratings/s", floorRate, "bare-heap COPY",
                load.Ratings / (load.LoadSeconds + load.RebuildSeconds) / floorRate, "—", null, $"{load.LoadSeconds + load.RebuildSeconds:F1} s"),
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
            foreach (var name in new[] { "shared_buffers", "work_mem", "effective_cache_size", "fsync", "synchronous_commit", "full_page_writes", "max_wal_size", "jit", "random_page_cost", "max_connections" })
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
        md.AppendLine(CultureInfo.InvariantCulture, $"Rows generated in memory first ({load.GenerateSeconds:F1} s, not part of any figure). Each table's rows were written three ways with the same client code: into a bare heap (`CREATE TABLE … (LIKE t)`), into a copy with the table's keys, indexes and checks but no foreign keys (`LIKE t INCLUDING ALL`), and into the table itself in the load transaction.").AppendLine();
        md.AppendLine("| Table | Rows | Bare heap s (rows/s) | Keys + indexes + checks, no FKs s (rows/s) | Real table s (rows/s) |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var t in load.Tables)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {t.Table} | {t.Rows:N0} | {t.BareSeconds:F2} ({t.Rows / t.BareSeconds:N0}) | {t.IndexedSeconds:F2} ({t.Rows / t.IndexedSeconds:N0}) | {t.LoadSeconds:F2} ({t.Rows / t.LoadSeconds:N0}) |");
        }
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| **all** | | {load.FloorSeconds:F2} ({load.Ratings / load.FloorSeconds:N0} ratings/s) | {load.IndexedFloorSeconds:F2} ({load.Ratings / load.IndexedFloorSeconds:N0} ratings/s) | {load.LoadSeconds:F2} ({load.Ratings / load.LoadSeconds:N0} ratings/s, BEGIN to COMMIT) |").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"CPU seconds (harness / PostgreSQL backend): ratings into a bare heap {load.FloorCpu?.Client:F1} / {load.FloorCpu?.Server:F1}; ratings into the real table {load.RatingsCpu?.Client:F1} / {load.RatingsCpu?.Server:F1}; the whole load {load.LoadCpu?.Client:F1} / {load.LoadCpu?.Server:F1}; summary rebuild — / {load.RebuildCpu?.Server:F1}.").AppendLine();
        md.AppendLine("| Phase | Seconds | Rate |").AppendLine("|---|---:|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Commit of the load | {load.CommitSeconds:F2} | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| refresh_benchmark_summaries(NULL): {load.AreaResults:N0} area results, {load.StandardResults:N0} standard results | {load.RebuildSeconds:F1} | {load.Ratings / load.RebuildSeconds:N0} ratings/s |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Probe month before the history, {load.ProbeAssessments:N0} assessments, trigger off | {load.ProbeTriggerOffSeconds:F2} | {load.ProbeAssessments / load.ProbeTriggerOffSeconds:N0} assessments/s |");
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
        md.AppendLine("- **Bulk load**: rows generated in memory first (fixed seed), then written with Npgsql binary COPY through writers compiled from the service's EF model (tables, columns, enum conversions), in one transaction with `assessments_refresh_benchmark_summaries` disabled; then `refresh_benchmark_summaries(NULL)`, the set-wise rebuild the migration provides for bulk loads. The floor writes the same rows with the same client code into bare heaps with the tables' columns only (`CREATE TABLE … (LIKE t)`); a second baseline keeps each table's keys, indexes and checks but no foreign keys (`LIKE t INCLUDING ALL`).");
        md.AppendLine("- **Freshness**: one unit's 12 areas are submitted first, untimed, to warm the write path up; then two units' 24 are timed. **Baseline**: the database's share — a draft made the same way is submitted with a direct `UPDATE … SET status = 'Submitted'` + `COMMIT` (firing the same deferred trigger) and the unit's area results are read back (also after an untimed unit).");
        md.AppendLine("- **Export**: read as fast as possible over loopback; VmRSS of the service process sampled every 100 ms from /proc; the export runs first after start-up and a small warm-up export. Baselines: the captured SQL as `COPY (…) TO STDOUT (FORMAT csv, HEADER)`, and read row by row with Npgsql; when the service sends it as `COPY (SELECT …) TO STDOUT (FORMAT BINARY)`, the baselines run that SELECT, and the statement as sent is timed too (read raw, discarded).");
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- The service, PostgreSQL, pgbench and wrk share the machine's {env.Cores} cores. Before measuring, with the service idle, {env.IdleBusyCores:F2} cores were busy") +
            (env.OtherProcesses.Count > 0 ? $" (other processes: {string.Join(", ", env.OtherProcesses)})" : " (no other process)") + ". PostgreSQL settings: " + string.Join(", ", env.Settings.Select(s => $"{s.Key}={s.Value}")) + ".");
        return md.ToString();
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
