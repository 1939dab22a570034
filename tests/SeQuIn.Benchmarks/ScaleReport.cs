using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace SeQuIn.Benchmarks;

/// <summary>One scale's line of a measure's curve.</summary>
/// <param name="Growth">Cost per unit of work (a request, a row) relative to 1× of the same run: 1 = as at 1×, 2 = twice as dear.</param>
public sealed record CurvePoint(int Scale, int Units, int Months, long Ratings, long DatabaseBytes, double Figure, double? Baseline, double? Ratio, double? Growth, string Verdict);

/// <param name="Kind">"read": fixed work per request, must stay flat; "rows": cost must grow no faster than the rows moved.</param>
public sealed record Curve(string Measure, string Unit, string BaselineWhat, string Kind, List<CurvePoint> Points);

public sealed record ReplicaRow(string Measure, string Unit, double Primary, double Replica, double Ratio);

public sealed record ScaleResults(string When, string Machine, List<Curve> Curves, List<ReplicaRow> Replica, int? ReplicaScale, List<ScaleRun> Runs);

/// <summary>results/scale.md and results/scale.json from the scale runs' JSON files.</summary>
public static class ScaleReport
{
    /// <summary>Beyond this growth of the cost per request (or per row) against 1×, a curve is said to bend.</summary>
    public const double Bend = 1.3;

    public static async Task WriteAsync(string results, string runsDirectory)
    {
        var runs = new List<ScaleRun>();
        foreach (var file in Directory.GetFiles(runsDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            runs.Add(JsonSerializer.Deserialize<ScaleRun>(await File.ReadAllTextAsync(file), Report.JsonOptions)!);
        }
        var full = runs.Where(r => r.Variant == "full").OrderBy(r => r.Scale).ToList();
        if (full.Count == 0)
        {
            throw new InvalidOperationException($"No full scale run in {runsDirectory}.");
        }
        var curves = new List<Curve>();
        foreach (var name in new[] { "unit-month", "area-group", "trend" })
        {
            var title = full.SelectMany(r => r.Queries).FirstOrDefault(q => q.Name == name)?.Title ?? name;
            curves.Add(Build(full, $"{title}: median latency, HTTP, one client", "ms", "pgbench -c 1 median of the same SQL", "read", r =>
                r.Queries.FirstOrDefault(q => q.Name == name) is { } q ? (q.Http.MedianMs, q.Floor1.Latency!.MedianMs, q.Http.MedianMs) : null, name));
            curves.Add(Build(full, $"{title}: throughput, wrk -t2 -c8", "requests/s", "pgbench, best of -c 2 and -c 8", "read", r =>
                r.Queries.FirstOrDefault(q => q.Name == name) is { } q ? (q.Wrk.RequestsPerSecond, q.FloorThroughput, 1 / q.Wrk.RequestsPerSecond) : null, name));
            curves.Add(Build(full, $"{title}: CPU per request during the wrk run, service + PostgreSQL backends (less moved by the machine's load than time)", "ms", "PostgreSQL CPU per script under pgbench -c 8", "read",
                r => r.Queries.FirstOrDefault(q => q.Name == name) is { } q
                    ? (q.WrkCpu.ServiceMsPerRequest + q.WrkCpu.DatabaseMsPerRequest, q.Floor8Cpu.DatabaseMsPerRequest, q.WrkCpu.ServiceMsPerRequest + q.WrkCpu.DatabaseMsPerRequest)
                    : null, name));
            curves.Add(Build(full, $"{title}: PostgreSQL pages touched per request (EXPLAIN (ANALYZE, BUFFERS), every statement; work, not time)", "pages", "", "read",
                r => PagesTouched(runsDirectory, r.Scale, name) is { } pages ? (pages, null, pages) : null, name));
        }
        curves.Add(Build(full, "Freshness: submit (API) + GET benchmark until it shows the score, median", "ms", "SQL: UPDATE … Submitted + COMMIT + read", "read",
            r => r.Freshness is { } f ? (f.Total.MedianMs, f.SqlBaseline.MedianMs, f.Total.MedianMs) : null, null));
        curves.Add(Build(full, "CSV export of every rating (GET /api/v1/exports/ratings.csv)", "rows/s", "the same SQL as COPY … TO STDOUT (FORMAT csv)", "rows",
            r => r.Export is { } e ? (e.Rows / e.Seconds, e.FloorRows / e.FloorCopySeconds, e.Seconds / e.Rows) : null, "export"));
        curves.Add(Build(full, "CSV export: service RSS growth (max − before)", "MB", "RSS before", "memory",
            r => r.Export is { } e ? (e.RssMaxMb - e.RssBeforeMb, e.RssBeforeMb, e.RssMaxMb - e.RssBeforeMb) : null, null));
        curves.Add(Build(full, $"History import (POST /api/v1/assessments/import): a fixed batch of 15 units × {ScaleMeasure.ImportMonths} months, median of {ScaleMeasure.ImportRuns}",
            "rows/s", "the same shape COPYed with the summary trigger on", "read",
            r => r.Import is { } i ? (i.RowsPerSecond, i.FloorRowsPerSecond, 1 / i.RowsPerSecond) : null, null));
        curves.Add(Build(full, "Bulk load, BEGIN to COMMIT (streamed COPY, keys, indexes, foreign keys)", "ratings/s", "", "rows",
            r => (r.Load.Ratings / r.Load.BulkSeconds, null, r.Load.BulkSeconds / r.Load.Ratings), null));
        curves.Add(Build(full, "Summary rebuild, BEGIN to COMMIT (refresh_benchmark_summaries(NULL), keys, indexes)", "ratings/s", "", "rows",
            r => (r.Load.Ratings / r.Load.RebuildSeconds, null, r.Load.RebuildSeconds / r.Load.Ratings), null));
        curves.Add(Build(full, "Load until queryable (bulk load + ANALYZE + summary rebuild + ANALYZE)", "ratings/s", "", "rows",
            r => (r.Load.Ratings / r.Load.QueryableSeconds, null, r.Load.QueryableSeconds / r.Load.Ratings), null));

        var replica = new List<ReplicaRow>();
        int? replicaScale = null;
        var primaryRun = runs.FirstOrDefault(r => r.Variant == "primary");
        var replicaRun = primaryRun is null ? null : runs.FirstOrDefault(r => r.Variant == "replica" && r.Scale == primaryRun.Scale);
        if (primaryRun is not null && replicaRun is not null)
        {
            replicaScale = primaryRun.Scale;
            foreach (var read in primaryRun.Reads)
            {
                var other = replicaRun.Reads.Single(r => r.Name == read.Name);
                replica.Add(new($"{read.Name}: throughput, wrk -t2 -c8", "requests/s", read.Wrk.RequestsPerSecond, other.Wrk.RequestsPerSecond,
                    other.Wrk.RequestsPerSecond / read.Wrk.RequestsPerSecond));
                replica.Add(new($"{read.Name}: median latency, one client", "ms", read.Http.MedianMs, other.Http.MedianMs, other.Http.MedianMs / read.Http.MedianMs));
            }
            if (primaryRun.PlainExport is { } a && replicaRun.PlainExport is { } b)
            {
                replica.Add(new("CSV export of every rating", "rows/s", a.RowsPerSecond, b.RowsPerSecond, b.RowsPerSecond / a.RowsPerSecond));
            }
            if (primaryRun.Freshness is { } fa && replicaRun.Freshness is { } fb)
            {
                replica.Add(new("Freshness: submit + read until visible, median", "ms", fa.Total.MedianMs, fb.Total.MedianMs, fb.Total.MedianMs / fa.Total.MedianMs));
                replica.Add(new("Freshness: worst of the samples", "ms", fa.Total.MaxMs, fb.Total.MaxMs, fb.Total.MaxMs / fa.Total.MaxMs));
            }
        }

        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var machine = $"{Environment.ProcessorCount} × {cpu}; {RuntimeInformation.OSDescription}; {RuntimeInformation.FrameworkDescription}";
        var report = new ScaleResults(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture), machine, curves, replica, replicaScale, runs);
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "scale.json"), JsonSerializer.Serialize(report, Report.JsonOptions));
        // What the figures showed, written by whoever ran it (runs/findings.md), goes under the tables.
        var findings = Path.Combine(runsDirectory, "findings.md");
        await File.WriteAllTextAsync(Path.Combine(results, "scale.md"),
            Markdown(report) + (File.Exists(findings) ? "\n" + await File.ReadAllTextAsync(findings) : ""));
    }

    private static Curve Build(List<ScaleRun> runs, string measure, string unit, string baselineWhat, string kind,
        Func<ScaleRun, (double Figure, double? Baseline, double Cost)?> pick, string? plan)
    {
        var points = new List<CurvePoint>();
        var costs = new List<(ScaleRun Run, double Cost)>();
        double? cost1 = null;
        foreach (var run in runs)
        {
            if (pick(run) is not { } value)
            {
                continue;
            }
            cost1 ??= run.Scale == 1 ? value.Cost : null;
            double? growth = cost1 is { } c && c > 0 ? value.Cost / c : null;
            double? ratio = value.Baseline is { } b && b > 0 ? value.Figure / b : null;
            points.Add(new CurvePoint(run.Scale, run.Load.Units, run.Load.Months, run.Load.Ratings, run.Load.TableBytes.GetValueOrDefault("database"),
                value.Figure, value.Baseline, ratio, growth, Verdict(kind, run, value.Figure, value.Cost, growth, costs, plan)));
            costs.Add((run, value.Cost));
        }
        return new Curve(measure, unit, baselineWhat, kind, points);
    }

    /// <summary>
    /// Against 1×, and — since the scales grow the units and the months separately — against the earlier scale that
    /// differs only in months (the history) or only in units, so that a read that must not slow with history is judged
    /// on that step alone.
    /// </summary>
    private static string Verdict(string kind, ScaleRun run, double figure, double cost, double? growth, List<(ScaleRun Run, double Cost)> earlier, string? plan)
    {
        if (kind == "memory")
        {
            return figure < 50 ? "bounded (< 50 MB)" : "**grows** (≥ 50 MB)";
        }
        if (growth is not { } g)
        {
            return "(no 1× in this run)";
        }
        if (run.Scale == 1)
        {
            return "—";
        }
        var history = earlier.LastOrDefault(e => e.Run.Load.Units == run.Load.Units && e.Run.Load.Months < run.Load.Months);
        var units = earlier.LastOrDefault(e => e.Run.Load.Months == run.Load.Months && e.Run.Load.Units < run.Load.Units);
        var steps = new List<string>();
        double? historyGrowth = null, unitsGrowth = null;
        if (history.Run is not null)
        {
            historyGrowth = cost / history.Cost;
            steps.Add($"history ×{(double)run.Load.Months / history.Run.Load.Months:0.#} (from {history.Run.Scale}×): ×{historyGrowth:F2}");
        }
        if (units.Run is not null)
        {
            unitsGrowth = cost / units.Cost;
            steps.Add($"units ×{(double)run.Load.Units / units.Run.Load.Units:0.#} (from {units.Run.Scale}×): ×{unitsGrowth:F2}");
        }
        string label;
        if (kind == "rows")
        {
            label = g <= Bend ? "grows with rows moved" : "**bends**";
        }
        else if (historyGrowth > Bend)
        {
            label = "**bends with history**";
        }
        else if (g <= Bend)
        {
            label = "flat";
        }
        else if (historyGrowth is not null)
        {
            label = "flat with history; grows with units";
        }
        else
        {
            label = "**grows with units**";
        }
        var flat = label is "flat" or "grows with rows moved";
        return label + (steps.Count > 0 ? " (" + string.Join("; ", steps) + ")" : "") + (flat || plan is null ? "" : $"; plans: `scale/{run.Scale}x/explain/{plan}.txt`");
    }

    /// <summary>
    /// 8 kB pages (shared buffers hit + read) the request's statements touched: the top node of each statement's
    /// EXPLAIN (ANALYZE, BUFFERS), as the measure step wrote them. Work, not time: it does not move with the machine's load.
    /// </summary>
    private static double? PagesTouched(string runsDirectory, int scale, string name)
    {
        var path = Path.Combine(runsDirectory, $"{scale}x", "explain", $"{name}.txt");
        if (!File.Exists(path))
        {
            return null;
        }
        long total = 0;
        foreach (var block in File.ReadAllText(path).Split("-- Statement ", StringSplitOptions.RemoveEmptyEntries))
        {
            var plan = block.Split('\n').TakeWhile(l => !l.StartsWith("Planning", StringComparison.Ordinal));
            var buffers = plan.FirstOrDefault(l => l.TrimStart().StartsWith("Buffers: shared ", StringComparison.Ordinal));
            if (buffers is null)
            {
                continue;
            }
            var shared = buffers[(buffers.IndexOf("shared ", StringComparison.Ordinal) + "shared ".Length)..].Split(',')[0];
            foreach (var field in shared.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (field.StartsWith("hit=", StringComparison.Ordinal) || field.StartsWith("read=", StringComparison.Ordinal))
                {
                    total += long.Parse(field[(field.IndexOf('=') + 1)..], CultureInfo.InvariantCulture);
                }
            }
        }
        return total;
    }

    private static string Markdown(ScaleResults r)
    {
        var md = new StringBuilder();
        md.AppendLine("# SeQuIn performance harness: how cost grows with the data").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Rendered {r.When} from {r.Runs.Count} runs on {r.Machine}. `tests/SeQuIn.Benchmarks/run.sh scale` reproduces it (README, \"How cost grows with the data\").");
        md.AppendLine("Growth = cost per request (reads, import batch) or per row (export, load) against 1× of the same run: 1.00 is as cheap as at 1×. " +
                      $"A curve is called flat (or growing with the rows moved) while growth ≤ {Bend:0.0}, and bending beyond. Ratio = figure ÷ baseline, both from the same scale.").AppendLine();
        md.AppendLine("| Scale | Networks × units | Months | Ratings | Database | Load average before → after | Measured |").AppendLine("|---|---:|---:|---:|---:|---|---|");
        foreach (var run in r.Runs.OrderBy(x => x.Scale).ThenBy(x => x.Variant, StringComparer.Ordinal))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {run.Scale}× {(run.Variant == "full" ? "" : $"({run.Variant})")} | {run.Networks} × 15 = {run.Load.Units} | {run.Load.Months} ({run.Load.FirstMonth} to {run.Load.LastMonth}) | {run.Load.Ratings:N0} | {run.Load.TableBytes.GetValueOrDefault("database") / 1e9:F1} GB | {run.LoadAverageBefore.Split(' ')[0]} → {run.LoadAverageAfter.Split(' ')[0]} | {run.When} |");
        }
        md.AppendLine();
        foreach (var curve in r.Curves)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## {curve.Measure}").AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"| Scale | Units × months | Ratings | Figure ({curve.Unit}) | Baseline{(curve.BaselineWhat.Length > 0 ? $" ({curve.BaselineWhat})" : "")} | Ratio | Growth vs 1× | |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var p in curve.Points)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {p.Scale}× | {p.Units} × {p.Months} | {p.Ratings:N0} | {Number(p.Figure)} | {(p.Baseline is { } b ? Number(b) : "—")} | {(p.Ratio is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "—")} | {(p.Growth is { } g ? g.ToString("0.00", CultureInfo.InvariantCulture) : "—")} | {p.Verdict} |");
            }
            md.AppendLine();
        }
        md.AppendLine("## Analyst reads from a streaming replica").AppendLine();
        if (r.ReplicaScale is { } scale)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"At {scale}×, primary restarted with `wal_level = replica`, a standby made with `pg_basebackup -R` and streaming. " +
                $"\"Primary\": the service without `ConnectionStrings:SeQuInReadOnly`; \"replica\": the same service with it pointing at the standby. Same data, same run, one after the other.").AppendLine();
            md.AppendLine("| Measure | Primary only | With the replica | Replica ÷ primary |").AppendLine("|---|---:|---:|---:|");
            foreach (var row in r.Replica)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Measure} ({row.Unit}) | {Number(row.Primary)} | {Number(row.Replica)} | {row.Ratio:0.00} |");
            }
        }
        else
        {
            md.AppendLine("Not measured in this run (`SEQUIN_BENCH_REPLICA=1` measures it).");
        }
        md.AppendLine();
        return md.ToString();
    }

    private static string Number(double value) => value switch
    {
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("F1", CultureInfo.InvariantCulture),
        _ => value.ToString("F2", CultureInfo.InvariantCulture),
    };
}
