using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SeQuIn.Benchmarks;

/// <summary>One operation's figures over a run: latency from the scheduled time to the final answer; statuses of every attempt.</summary>
public sealed record OpFigures(string Op, int Count, double P50Ms, double P99Ms, double MaxMs, Dictionary<string, int> FinalStatuses, Dictionary<string, int> AttemptStatuses,
    int Retried);

/// <summary>A resource over the run: first, middle and last samples, least-squares slope per minute over the whole run and over its second half.</summary>
public sealed record ResourceTrend(string Resource, double Start, double Middle, double End, double Min, double Max, double SlopePerMinute, double SecondHalfSlopePerMinute);

/// <summary>Ten seconds of a run.</summary>
public sealed record SoakWindow(double From, int Ops, int Ok, int ServiceUnavailable, int Other, double P50Ms, double P99Ms);

/// <param name="GapSeconds">From the first 503 to the last (answers), or 0 when none.</param>
/// <param name="FirstSuccessAfterUpSeconds">From pg_ctl reporting the server up to the first 2xx answer of a request sent after it.</param>
/// <param name="StatusesDuringOutage">Every attempt answered between the stop and 30 s after the server was up.</param>
/// <param name="Without503RetryAfter">503 answers without Retry-After (must be 0).</param>
public sealed record RestartFigures(RestartEvent Event, double GapSeconds, double? FirstServiceUnavailableAt, double? LastServiceUnavailableAt, double? FirstSuccessAfterUpSeconds,
    Dictionary<string, int> StatusesDuringOutage, int Without503RetryAfter, int ExportsCut, int ServiceUnavailableOutside);

public sealed record SoakRun(string Name, List<CapacityStep> Capacity, double CapacityOpsPerSecond, double Share, double RateOpsPerSecond, double Seconds, long Sent,
    double AchievedOpsPerSecond, int StillInFlight, List<OpFigures> Operations, int ServerErrors, Dictionary<string, int> ServerErrorStatuses, List<ResourceTrend> Resources,
    List<ResourceSample> Samples, List<SoakWindow> Windows, List<SoakExport> Exports, RestartFigures? Restart, SoakCheckResult Check, List<string> Anomalies,
    List<string> HarnessFaults, int AdoptedSessions, int AppliedThoughUnanswered, int NoIdleSession);

/// <param name="Notes">Said under the title: e.g. which invocations the runs come from, when runs of several are put together.</param>
public sealed record SoakResults(EnvironmentFacts Environment, int Seconds, int CapacityStepSeconds, int OutageSeconds, Dictionary<string, int> Mix, List<SoakRun> Runs,
    List<string>? Notes = null);

public static class SoakReport
{
    public static SoakRun Summarise(string name, List<CapacityStep> steps, double capacity, double share, double rate, OpenLoopResult run, SoakCheckResult check,
        SoakWorkload workload)
    {
        var seconds = run.End - run.Start;
        var attemptsByOp = run.Attempts.ToLookup(a => a.Op);
        var operations = run.Ops.GroupBy(o => o.Op).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var latency = LatencyStats.Of(g.Select(o => o.LatencyMs).ToList());
            return new OpFigures(g.Key, g.Count(), latency.MedianMs, latency.P99Ms, latency.MaxMs, Histogram(g.Select(o => o.Status)),
                Histogram(attemptsByOp[g.Key].Select(a => a.Status)), g.Count(o => o.Attempts > 1));
        }).ToList();
        var serverErrors = run.Attempts.Where(a => a.Status >= 500).ToList();
        var restart = run.Restart is { } e ? RestartOf(e, run) : null;
        var scheduledOps = run.Ops.Where(o => o.Op is not ("export-csv" or "import")).ToList();
        var windows = new List<SoakWindow>();
        for (var from = run.Start; from < run.Start + seconds; from += 10)
        {
            var inWindow = scheduledOps.Where(o => o.Scheduled >= from && o.Scheduled < from + 10).ToList();
            var latency = LatencyStats.Of(inWindow.Select(o => o.LatencyMs).ToList());
            windows.Add(new SoakWindow(from - run.Start, inWindow.Count, inWindow.Count(o => o.Status is >= 200 and < 300), inWindow.Count(o => o.Status == 503),
                inWindow.Count(o => o.Status is not (>= 200 and < 300) and not 503), latency.MedianMs, latency.P99Ms));
        }
        var anomalies = new List<string>();
        while (workload.Anomalies.TryDequeue(out var anomaly))
        {
            anomalies.Add(anomaly);
        }
        return new SoakRun(name, steps, capacity, share, rate, seconds, run.Sent, scheduledOps.Count / seconds, run.StillInFlight, operations, serverErrors.Count,
            Histogram(serverErrors.Select(a => a.Status)), Trends(run), run.Samples, windows, run.Exports, restart, check, anomalies, run.HarnessFaults,
            Interlocked.Exchange(ref workload.Adopted, 0), Interlocked.Exchange(ref workload.AppliedThoughUnanswered, 0), Interlocked.Exchange(ref workload.NoIdleSession, 0));
    }

    private static RestartFigures RestartOf(RestartEvent e, OpenLoopResult run)
    {
        var unavailable = run.Attempts.Where(a => a.Status == 503).OrderBy(a => a.AnsweredAt).ToList();
        var firstSuccess = run.Attempts.Where(a => a.Status is >= 200 and < 300 && a.SentAt >= e.UpAt && a.Op != "export-csv").Select(a => (double?)a.AnsweredAt).Min();
        var during = run.Attempts.Where(a => a.AnsweredAt >= e.StoppingAt && a.AnsweredAt <= e.UpAt + 30);
        return new RestartFigures(
            e with { StoppingAt = e.StoppingAt - run.Start, DownAt = e.DownAt - run.Start, UpAt = e.UpAt - run.Start },
            unavailable.Count == 0 ? 0 : unavailable[^1].AnsweredAt - unavailable[0].AnsweredAt,
            unavailable.Count == 0 ? null : unavailable[0].AnsweredAt - run.Start,
            unavailable.Count == 0 ? null : unavailable[^1].AnsweredAt - run.Start,
            firstSuccess - e.UpAt,
            Histogram(during.Select(a => a.Status)),
            unavailable.Count(a => !a.RetryAfter),
            run.Exports.Count(x => x.Status is 0 or 200 && !x.Complete && x.Started < e.UpAt && x.Started + x.Seconds > e.StoppingAt),
            unavailable.Count(a => a.AnsweredAt < e.StoppingAt || a.AnsweredAt > e.UpAt + 30));
    }

    private static List<ResourceTrend> Trends(OpenLoopResult run)
    {
        var samples = run.Samples;
        if (samples.Count == 0)
        {
            return [];
        }
        ResourceTrend Trend(string resource, Func<ResourceSample, double?> value)
        {
            var points = samples.Where(s => value(s) is not null).Select(s => (X: (s.At - run.Start) / 60, Y: value(s)!.Value)).ToList();
            var middle = points.MinBy(p => Math.Abs(p.X - (run.End - run.Start) / 120));
            var half = points.Where(p => p.X >= (run.End - run.Start) / 120).ToList();
            return new ResourceTrend(resource, points[0].Y, middle.Y, points[^1].Y, points.Min(p => p.Y), points.Max(p => p.Y), Slope(points), Slope(half));
        }
        return
        [
            Trend("service RSS (MB)", s => s.RssMb),
            Trend("service threads", s => s.Threads),
            Trend("service connections (pg_stat_activity)", s => s.Connections),
            Trend("… of which active", s => s.Active),
            Trend("machine load average (1 min)", s => s.LoadAverage),
        ];
    }

    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return double.NaN;
        }
        var (mx, my) = (points.Average(p => p.X), points.Average(p => p.Y));
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        return sxx == 0 ? double.NaN : points.Sum(p => (p.X - mx) * (p.Y - my)) / sxx;
    }

    private static Dictionary<string, int> Histogram(IEnumerable<int> statuses) =>
        statuses.GroupBy(s => s).OrderBy(g => g.Key).ToDictionary(g => g.Key == 0 ? "no answer" : g.Key.ToString(CultureInfo.InvariantCulture), g => g.Count());

    public static void Print(SoakRun run)
    {
        Progress.Say($"  {run.Name}: {run.Sent:N0} operations at {run.RateOpsPerSecond:F1}/s in {run.Seconds:F0} s; server errors {run.ServerErrors} " +
                     $"({string.Join(", ", run.ServerErrorStatuses.Select(s => $"{s.Key}×{s.Value}"))})");
        foreach (var op in run.Operations)
        {
            Progress.Say($"    {op.Op,-16} {op.Count,7:N0}  p50 {op.P50Ms,8:F1} ms  p99 {op.P99Ms,8:F1} ms  max {op.MaxMs,9:F1} ms  {Statuses(op.AttemptStatuses)}");
        }
        foreach (var trend in run.Resources)
        {
            Progress.Say($"    {trend.Resource}: {trend.Start:F0} → {trend.Middle:F0} → {trend.End:F0} (slope {trend.SlopePerMinute:F2}/min, second half {trend.SecondHalfSlopePerMinute:F2}/min)");
        }
        if (run.Restart is { } r)
        {
            Progress.Say($"    restart: 503 outside the window {r.ServiceUnavailableOutside}; 503s from {r.FirstServiceUnavailableAt:F1} s to {r.LastServiceUnavailableAt:F1} s (gap {r.GapSeconds:F1} s); first success {r.FirstSuccessAfterUpSeconds:F2} s after the database was up; " +
                         $"during: {Statuses(r.StatusesDuringOutage)}");
        }
        var c = run.Check;
        Progress.Say($"    check: {(c.Passed ? "passed" : "FAILED")}: {c.SessionsMatching}/{c.Sessions} sessions as acknowledged, lost {c.Lost}, doubled {c.Doubled}, unknown {c.Unknown}; " +
                     $"imports {c.ImportsStored}/{c.ImportsAcknowledged} acknowledged stored whole, {c.ImportsUnansweredStored}/{c.ImportsUnanswered} unanswered stored whole, {c.ImportsPartial} partial; " +
                     $"import audit rows {c.ImportAuditRows}");
        foreach (var line in c.Mismatches.Concat(run.Anomalies.Take(20)).Concat(run.HarnessFaults.Take(10)))
        {
            Progress.Say($"      {line}");
        }
    }

    private static string Statuses(Dictionary<string, int> statuses) => string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value:N0}"));

    public static async Task WriteAsync(string directory, SoakResults results)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "soak.json"), JsonSerializer.Serialize(results, Report.JsonOptions));
        await File.WriteAllTextAsync(Path.Combine(directory, "soak.md"), Markdown(results));
    }

    public static string Markdown(SoakResults results)
    {
        var e = results.Environment;
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"""
            # SeQuIn soak runs

            Run {e.When} on commit `{e.Commit}`: {e.Cores} × {e.Cpu}, {e.Memory}; {e.PostgreSql.Split(" on ")[0]}; {e.DotNet}. The national data set of the harness
            (`run.sh soak`); {results.Seconds} s per run. Other work on the machine shows in the load average below.

            **The mix** (weights): {string.Join(", ", results.Mix.Select(m => $"{m.Key} {m.Value}"))}. A tablet operation is the next step of one of the
            run's 300 sessions (every unit, one area each, a different area in each run) of the current month, taken in turn, as a ward tablet works: create (Idempotency-Key), ratings in two sittings (PUT, If-Match + Idempotency-Key),
            agreed rating (PUT, If-Match + Idempotency-Key), submit (POST, If-Match + Idempotency-Key); then an involvement lead returns it with a question (POST, If-Match +
            Idempotency-Key) and the unit revises one to three ratings and the agreed rating and submits again. Reads are an analyst's (collaborative
            scope): a unit's month across the areas (group=network), one area's standards against the national group, a ten-year trend. Alongside, one
            CSV export at a time (an analyst's whole collaborative history, about 1.1 M rows, read as fast as it comes, 2 s apart) and one history import at
            a time (a network's month: 15 units × 12 areas × 10 standards, 1,800 CSV rows, Idempotency-Key, 2 s apart).

            **Capacity** is measured in the same run, before each soak: a closed loop of the mix (export and import running) with 4, 8, 16, 8 and 4 workers
            for {results.CapacityStepSeconds} s each after a 5 s warm-up; the median step's rate is the capacity (a single step can catch a burst of
            other work on a shared machine, either way). The soak then sends the mix **open loop** at the
            share of it shown: operation *i* is due at start + *i* ÷ rate and is sent then, whatever the others are doing; latency runs from when it was due
            to its final answer (retries included), so a stall counts against every operation it delayed. A write answered 503 (or not answered) is sent
            again, unchanged (same If-Match, same Idempotency-Key), after Retry-After; reads are not retried.

            **The check**, after each run, reads the database directly: every session's assessment must hold exactly what its client was told was
            stored (status, revision, agreed rating, every rating), one audit row per acknowledged write (the create and each change), one question
            comment per acknowledged return, and no assessment of the month that no client knows of; every acknowledged import whole, once, with the
            ids answered and the values sent; an import never answered 200 whole or not at all; one `assessments.imported` audit row per stored import.


            """);
        foreach (var note in results.Notes ?? [])
        {
            md.Append(note).Append("\n\n");
        }
        foreach (var run in results.Runs)
        {
            md.Append(CultureInfo.InvariantCulture, $"## {(run.Restart is null ? "Steady" : "With a database restart in the middle")} (`{run.Name}`)\n\n");
            md.Append(CultureInfo.InvariantCulture,
                $"Capacity {run.CapacityOpsPerSecond:F1} operations/s (closed loop: {string.Join("; ", run.Capacity.Select(c => $"{c.Workers} workers {c.OpsPerSecond:F1}/s, p50 {c.P50Ms:F1} ms, p99 {c.P99Ms:F1} ms"))}). " +
                $"Rate used: **{run.RateOpsPerSecond:F1} operations/s** ({run.Share:P0}), {run.Sent:N0} operations in {run.Seconds:F0} s; " +
                $"{run.AchievedOpsPerSecond:F1}/s answered; {run.StillInFlight} still in flight 150 s after the last was sent.\n\n");
            var verdict = run.Restart is null
                ? (run.ServerErrors == 0 ? "**0 server errors (5xx).**" : $"**{run.ServerErrors} server errors**: {Statuses(run.ServerErrorStatuses)}.")
                : (run.ServerErrorStatuses.Keys.All(k => k == "503") && run.Restart.Without503RetryAfter == 0
                    ? $"**Only 503 with Retry-After among server errors**: {run.ServerErrors:N0}, of which {run.ServerErrors - run.Restart.ServiceUnavailableOutside:N0} from the stop to 30 s after the server was up and {run.Restart.ServiceUnavailableOutside:N0} outside that window (see the 10 s table)."
                    : $"**Server errors other than 503 with Retry-After**: {Statuses(run.ServerErrorStatuses)}, {run.Restart.Without503RetryAfter} without Retry-After.");
            md.Append(verdict).Append(' ');
            var c = run.Check;
            md.Append(CultureInfo.InvariantCulture,
                $"**Check {(c.Passed ? "passed" : "FAILED")}**: {c.SessionsMatching:N0} of {c.Sessions:N0} assessments exactly as acknowledged ({c.AcknowledgedChanges:N0} acknowledged writes, create included, each with its audit row); " +
                $"lost {c.Lost}, doubled {c.Doubled}, unknown {c.Unknown}, sessions the client lost track of {c.SessionsLostTrack}; " +
                $"imports: {c.ImportsStored} of {c.ImportsAcknowledged} acknowledged stored whole and once, {c.ImportsUnansweredStored} of {c.ImportsUnanswered} never acknowledged stored whole (the rest absent), {c.ImportsPartial} partly stored; " +
                $"{c.ImportAuditRows} import audit rows. (Cumulative since the soak began.)\n\n");
            if (run.NoIdleSession > 0)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"Tablet operations not sent because all 300 of the run's sessions were waiting (on an answer or a retry's Retry-After): {run.NoIdleSession:N0}; they are missing from the counts below.\n\n");
            }
            if (run.AppliedThoughUnanswered > 0 || run.AdoptedSessions > 0)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"Writes stored although their answer was a 503 or none (found by the retry's 412 and a read-back, counted once): {run.AppliedThoughUnanswered}; assessments taken over after a create's 409: {run.AdoptedSessions}.\n\n");
            }

            md.Append("| Operation | Count | p50 ms | p99 ms | max ms | Final statuses | Statuses of every attempt | Retried |\n|---|---:|---:|---:|---:|---|---|---:|\n");
            foreach (var op in run.Operations)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"| {op.Op} | {op.Count:N0} | {op.P50Ms:F1} | {op.P99Ms:F1} | {op.MaxMs:F1} | {Statuses(op.FinalStatuses)} | {Statuses(op.AttemptStatuses)} | {op.Retried} |\n");
            }
            md.Append("\n`read-back`: reads a client made to settle a write whose answer was lost; `export-csv` and `import` run alongside, one at a time, and are timed from their start.\n\n");

            if (run.Restart is { } r)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"**The restart** (`{r.Event.Command}`): stop sent at {r.Event.StoppingAt:F1} s, the server accepting connections again at {r.Event.UpAt:F1} s " +
                    $"({r.Event.UpAt - r.Event.StoppingAt:F2} s). 503s answered from {Fmt(r.FirstServiceUnavailableAt)} s to {Fmt(r.LastServiceUnavailableAt)} s (gap {r.GapSeconds:F2} s); " +
                    $"first success {Fmt(r.FirstSuccessAfterUpSeconds, "F2")} s after the server was up. Every attempt answered from the stop to 30 s after: {Statuses(r.StatusesDuringOutage)}. " +
                    $"503 without Retry-After: {r.Without503RetryAfter}; 503 outside that window: {r.ServiceUnavailableOutside}. Exports cut by the restart: {r.ExportsCut}.\n\n");
            }

            var exports = run.Exports;
            var complete = exports.Where(x => x.Complete).ToList();
            md.Append(CultureInfo.InvariantCulture, $"Exports: {exports.Count} started, {complete.Count} complete");
            if (complete.Count > 0)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $", {complete.Average(x => x.Rows):N0} rows on average in a median {Median(complete.Select(x => x.Seconds)):F1} s ({complete.Sum(x => x.Rows) / complete.Sum(x => x.Seconds):N0} rows/s)");
            }
            var origin = run.Samples.FirstOrDefault()?.At ?? 0;
            foreach (var cut in exports.Where(x => !x.Complete))
            {
                md.Append(cut.Status is 0 or 200
                    ? FormattableString.Invariant($"; one started at {cut.Started - origin:F0} s cut after {cut.Rows:N0} rows ({cut.Error ?? "the stream ended without its last line"})")
                    : FormattableString.Invariant($"; one started at {cut.Started - origin:F0} s answered {cut.Status}"));
            }
            md.Append(".\n\n");

            md.Append("| Resource | Start | Middle | End | Min | Max | Slope /min | Slope /min, 2nd half |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var t in run.Resources)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {t.Resource} | {t.Start:F1} | {t.Middle:F1} | {t.End:F1} | {t.Min:F1} | {t.Max:F1} | {t.SlopePerMinute:F2} | {t.SecondHalfSlopePerMinute:F2} |\n");
            }
            md.Append(CultureInfo.InvariantCulture, $"\nSampled every 5 s ({run.Samples.Count} samples; all in soak.json).\n\n");

            md.Append("<details><summary>Every 10 s: operations due, answered 2xx, 503, other; p50 and p99 ms</summary>\n\n| From s | Ops | 2xx | 503 | Other | p50 | p99 |\n|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var w in run.Windows)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {w.From:F0} | {w.Ops} | {w.Ok} | {w.ServiceUnavailable} | {w.Other} | {w.P50Ms:F1} | {w.P99Ms:F1} |\n");
            }
            md.Append("\n</details>\n\n");
            var notes = c.Mismatches.Concat(run.Anomalies.Take(30)).Concat(run.HarnessFaults.Take(10)).ToList();
            if (notes.Count > 0)
            {
                md.Append("What the clients and the check noted:\n\n");
                foreach (var note in notes)
                {
                    md.Append("- ").Append(note.ReplaceLineEndings(" ")).Append('\n');
                }
                md.Append('\n');
            }
        }
        return md.ToString();
    }

    private static string Fmt(double? value, string format = "F1") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : LatencyStats.Percentile(sorted, 0.5);
    }
}
