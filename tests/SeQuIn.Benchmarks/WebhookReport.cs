using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SeQuIn.Benchmarks;

/// <summary>results/webhooks.md and webhooks.json from a `run.sh webhooks` run.</summary>
public static class WebhookReport
{
    public static async Task WriteAsync(string directory, WebhookMeasure.Results r)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "webhooks.json"), JsonSerializer.Serialize(r, Report.JsonOptions));
        var md = new StringBuilder();
        // Every number below is formatted with the invariant culture.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        void Line(string text) => md.AppendLine(text);
        var o = r.Outbox;
        md.AppendLine("# Webhooks: the outbox's cost, commit-to-delivery latency, delivery throughput");
        md.AppendLine();
        Line($"Commit {r.Commit}, measured {r.MeasuredAt:yyyy-MM-dd HH:mm} UTC by `tests/SeQuIn.Benchmarks/run.sh webhooks`, at national scale: " +
             $"{r.Networks} networks, {r.Units} units, {r.LoadedAssessments:N0} assessments and {r.ChangeEvents:N0} change-feed entries " +
             $"({o.ChangeEventsBytes / 1e6:N0} MB with indexes) before the run.");
        md.AppendLine();
        Line($"**The machine:** {r.Cores} cores, shared by the service (one or two processes), PostgreSQL, the harness's client *and* the receiver " +
             $"(Kestrel in the harness process) — every figure below includes their competition for the two cores. Before the run " +
             $"{r.IdleBusyCoresBefore:F2} cores were busy ({(r.BusiestBefore.Count == 0 ? "nothing else running" : string.Join(", ", r.BusiestBefore))}); " +
             $"load average before {r.LoadAverageBefore}, after {r.LoadAverageAfter}. Each phase's CPU is below (\"other\" = processes that are not the service, " +
             "this run's PostgreSQL or the harness).");
        if (r.Note is { } note)
        {
            md.AppendLine();
            md.AppendLine($"**Note:** {note}");
        }
        md.AppendLine();
        md.AppendLine("| Figure | Value | |");
        md.AppendLine("|---|---:|---|");
        Line($"| Submission HTTP latency, {o.Submissions} sequential submissions (median / p95 / mean) | {o.SubmitHttp.MedianMs:F2} / {o.SubmitHttp.P95Ms:F2} / {o.SubmitHttp.MeanMs:F2} ms | no subscription, dispatcher idle |");
        if (o.OutboxInsert is { } insert)
        {
            Line($"| Outbox INSERT (`INSERT INTO change_events`), mean execution | {insert.MeanMs:F3} ms | {insert.Calls} calls (pg_stat_statements) |");
            Line($"| — share of a submission's mean HTTP latency | **{o.OutboxShareOfHttpMeanPercent:F1} %** | outbox INSERT mean {insert.MeanMs:F3} ms = {o.OutboxShareOfHttpMeanPercent:F1} % of a submission |");
            Line($"| — share of the submission's statements | {o.OutboxShareOfStatementsPercent:F1} % | of {o.StatementsPerSubmissionMs:F2} ms of statements per submission; the others {o.OtherStatementsPerSubmissionMs:F2} ms |");
            if (o.Functions is { Count: > 0 })
            {
                Line($"| — share of the submission's database time | {o.OutboxShareOfDatabasePercent:F1} % | statements + {o.TriggerPerSubmissionMs:F2} ms of PL/pgSQL at commit (the deferred summary trigger; pg_stat_user_functions) |");
            }
        }
        foreach (var l in r.Latency)
        {
            Line($"| Commit → delivery, {l.Label} ({l.Delivered} events, {l.RatePerSecond:F1} submissions/s; median / p95 / p99 / max) | " +
                 $"**{l.CommitToDelivery.MedianMs:F0} / {l.CommitToDelivery.P95Ms:F0} / {l.CommitToDelivery.P99Ms:F0} / {l.CommitToDelivery.MaxMs:F0} ms** | {l.Instances} instance, 20 subscriptions |");
        }
        foreach (var b in r.Bursts)
        {
            Line($"| Delivery throughput, {b.Label} ({b.Assessments:N0} imported assessments → {b.Delivered:N0} events) | **{b.EventsPerSecond:N0} events/s** | " +
                 $"import's answer → last event {b.CommitToLastSeconds:F2} s; first → last {b.EventsPerSecondFirstToLast:N0}/s; Concurrency {r.Concurrency} per instance |");
        }
        var c = r.Ceiling;
        Line($"| Receiver's ceiling: signed POSTs from the harness, {c.Concurrency} at a time, `HttpClient` | {c.EventsPerSecond:N0} events/s | {c.Posts:N0} POSTs of a {c.PayloadBytes}-byte event body |");
        foreach (var b in r.Bursts)
        {
            Line($"| Ratio dispatcher ÷ raw POST, {b.Label} | {b.EventsPerSecond / c.EventsPerSecond:F2} | |");
        }
        Line($"| Signature verification at the receiver (StandardWebhooks `Verify`), mean | {r.MeanVerifyMicroseconds:F1} µs | {r.Verified:N0} verified, {r.VerifyFailures} failed |");
        md.AppendLine();
        Line($"Deliveries at the end: {string.Join(", ", r.DeliveryStates.Select(s => $"{s.Key} {s.Value:N0}"))}; {r.Attempts:N0} attempts recorded.");
        md.AppendLine();
        md.AppendLine("## How it is measured");
        md.AppendLine();
        md.AppendLine("- **Outbox cost.** Fresh complete drafts of the current month (both participants, every standard rated, an agreed rating) are " +
                      "made through the API before anything is timed, spread over every unit of every network. 20 warm-up submissions, then " +
                      "`pg_stat_statements_reset()` and N sequential `POST …/submit` (If-Match) as unit members, each timed at the client until the " +
                      "answer is read. The service's statements over exactly those N (role `sequin_app`; execution time, not planning; the " +
                      "dispatcher's idle look for a subscription left out) give the INSERT INTO change_events against the rest. The deferred " +
                      "summary trigger runs at COMMIT after the COMMIT statement's own timing ends, so it is taken from pg_stat_user_functions " +
                      "(`track_functions = pl`) over the same submissions. No subscription exists yet, so the figure is the write path alone.");
        md.AppendLine("- **Commit → delivery.** One subscription per network (every kind) to `http://127.0.0.1:<port>/hook/<n>` on a Kestrel " +
                      "receiver inside the harness (`SeQuIn__Webhooks__AllowHttp=true`, `AllowedPrivateNetworks__0=127.0.0.0/8`). Submissions " +
                      "at a steady rate (open loop, at most 8 in flight) round-robin over the networks' units. **Commit time is when the submit's " +
                      "answer arrived at the client — an upper bound on the commit**, so the latency is a lower bound by the answer's way back " +
                      "(a fraction of a millisecond on loopback). Delivery time is when the receiver got the event with that resource id, stamped " +
                      "before reading the body; both stamps are the same process's monotonic clock. The receiver verifies every event's " +
                      "signature with the StandardWebhooks package before answering 204.");
        md.AppendLine("- **Throughput.** One `POST /api/v1/assessments/import` of 15 units × 12 areas × M months before the loaded history, into " +
                      "one network: one feed entry and one delivery each. Events/s = events ÷ (last arrival − the import's answer). The ceiling " +
                      "is the receiver's own: the same number of POSTs of an event body the dispatcher sent, signed with `WebhookPayloads.Request` " +
                      "(the dispatcher's code), from 16 concurrent loops on one `HttpClient` in the harness. The two-instance burst runs a second " +
                      "service process on the same database (both dispatch; deliveries are leased).");
        md.AppendLine();
        md.AppendLine("## Phases");
        md.AppendLine();
        md.AppendLine("| Phase | Seconds | Machine cores busy | Service | PostgreSQL | Harness + receiver | Other processes |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        void Cpu(string name, WebhookMeasure.PhaseCpu p) =>
            Line($"| {name} | {p.Seconds:F1} | {p.MachineBusyCores:F2} | {p.ServiceCores:F2} | {p.PostgresCores:F2} | {p.HarnessCores:F2} | {p.OtherCores:F2}{(p.Busiest.Count > 0 ? " (" + string.Join(", ", p.Busiest) + ")" : "")} |");
        Cpu($"Outbox cost ({o.Submissions} submissions)", o.Cpu);
        foreach (var l in r.Latency)
        {
            Cpu($"Latency, {l.Label}", l.Cpu);
        }
        foreach (var b in r.Bursts)
        {
            Cpu($"Burst, {b.Label}", b.Cpu);
        }
        Cpu("Receiver ceiling", c.Cpu);
        md.AppendLine();
        md.AppendLine("| Latency run | Submit HTTP median / p95 | Commit → delivery min / median / p95 / p99 / max | Repeats |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var l in r.Latency)
        {
            Line($"| {l.Label} | {l.SubmitHttp.MedianMs:F1} / {l.SubmitHttp.P95Ms:F1} ms | {l.CommitToDelivery.MinMs:F0} / {l.CommitToDelivery.MedianMs:F0} / {l.CommitToDelivery.P95Ms:F0} / {l.CommitToDelivery.P99Ms:F0} / {l.CommitToDelivery.MaxMs:F0} ms | {l.Repeats} |");
        }
        md.AppendLine();
        md.AppendLine("| Burst | Instances | Import | First event after the answer | Answer → last | Events/s | Service CPU per instance |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var b in r.Bursts)
        {
            Line($"| {b.Label} | {b.Instances} | {b.ImportSeconds:F2} s | {b.FirstEventAfterCommitMs:F0} ms | {b.CommitToLastSeconds:F2} s | {b.EventsPerSecond:N0} | {string.Join(", ", b.InstanceCpuSeconds.Select(x => $"{x:F1} s"))} |");
        }
        md.AppendLine();
        md.AppendLine("## The service's statements (pg_stat_statements)");
        void Statements(string title, List<WebhookMeasure.Statement> list, int divisor, string per)
        {
            md.AppendLine();
            md.AppendLine($"**{title}** (top by total time)");
            md.AppendLine();
            md.AppendLine($"| Statement | Calls | Mean ms | Total ms | {per} |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var s in list.Take(12))
            {
                var query = s.Query.Length > 140 ? s.Query[..140] + "…" : s.Query;
                Line($"| `{query.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal)}` | {s.Calls:N0} | {s.MeanMs:F3} | {s.TotalMs:F1} | {s.TotalMs / divisor:F3} |");
            }
        }
        Statements($"Outbox cost: {o.Submissions} submissions", o.Statements, o.Submissions, "ms per submission");
        if (o.Functions is { Count: > 0 })
        {
            md.AppendLine();
            md.AppendLine("PL/pgSQL functions over the same submissions (pg_stat_user_functions; the deferred summary trigger runs at COMMIT, outside the COMMIT statement's timing above):");
            md.AppendLine();
            md.AppendLine("| Function | Calls | Total ms | Self ms | Self ms per submission |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var f in o.Functions)
            {
                Line($"| `{f.Function}` | {f.Calls:N0} | {f.TotalMs:F1} | {f.SelfMs:F1} | {f.SelfMs / o.Submissions:F3} |");
            }
        }
        foreach (var l in r.Latency)
        {
            Statements($"Latency, {l.Label}", l.Statements, l.Delivered, "ms per event");
        }
        foreach (var b in r.Bursts)
        {
            Statements($"Burst, {b.Label}", b.Statements, b.Delivered, "ms per event");
        }
        await File.WriteAllTextAsync(Path.Combine(directory, "webhooks.md"), md.ToString());
    }
}
