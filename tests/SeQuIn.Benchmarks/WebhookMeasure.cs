using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;
using SeQuIn.Api.Webhooks;

namespace SeQuIn.Benchmarks;

/// <summary>
/// `run.sh webhooks` (issue #12): what the outbox costs a submission, how long a committed change takes to reach a
/// subscriber, and how many events per second the dispatcher delivers — at national scale (the `measure` load,
/// change_events filled with one entry per loaded assessment), to a receiver the harness runs on loopback.
/// The harness starts the service itself (<see cref="ServiceInstance"/>), so that it can restart it with another
/// poll interval and run two instances on the same database. Phases, in order:
/// <list type="number">
/// <item>Outbox cost (no subscriptions yet, so the dispatcher is idle): N sequential submissions of fresh complete
/// drafts, HTTP latency at the client; pg_stat_statements over exactly those N for the INSERT INTO change_events
/// against the submission's other statements.</item>
/// <item>One subscription per network (20) to the receiver; submissions at a steady rate across units of all networks;
/// latency from the submit's answer at the client (an upper bound on the commit) to the event's arrival.</item>
/// <item>A burst: one history import into one network (one feed entry, one delivery each); events/s from the import's
/// answer to the last event; the receiver's own ceiling (the same signed POSTs from the harness, same concurrency).</item>
/// <item>The latency run again with a 50 ms poll interval; the burst again with two instances (250 ms).</item>
/// </list>
/// </summary>
public static class WebhookMeasure
{
    private const int Concurrency = 16; // WebhookOptions.Concurrency's default, which the service runs with.

    public sealed record Stats(int Count, double MedianMs, double P95Ms, double P99Ms, double MeanMs, double MinMs, double MaxMs)
    {
        public static Stats Of(IReadOnlyCollection<double> ms)
        {
            if (ms.Count == 0)
            {
                return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
            }
            var sorted = ms.Order().ToArray();
            return new Stats(sorted.Length, LatencyStats.Percentile(sorted, 0.5), LatencyStats.Percentile(sorted, 0.95),
                LatencyStats.Percentile(sorted, 0.99), sorted.Average(), sorted[0], sorted[^1]);
        }
    }

    /// <summary>One row of pg_stat_statements for the service's role.</summary>
    public sealed record Statement(string Query, long Calls, double TotalMs, double MeanMs, long Rows);

    /// <summary>CPU over a phase: cores busy on the machine, and the shares of the service(s), PostgreSQL and the harness.</summary>
    public sealed record PhaseCpu(double Seconds, double MachineBusyCores, double ServiceCores, double PostgresCores, double HarnessCores, double OtherCores,
        List<string> Busiest);

    public sealed record OutboxCost(int Submissions, Stats SubmitHttp, Statement? OutboxInsert, double StatementsPerSubmissionMs,
        double OtherStatementsPerSubmissionMs, double OutboxShareOfHttpMeanPercent, double OutboxShareOfStatementsPercent, long ChangeEventsBefore,
        long ChangeEventsBytes, List<Statement> Statements, PhaseCpu Cpu, List<FunctionTime> Functions, double TriggerPerSubmissionMs,
        double OutboxShareOfDatabasePercent);

    /// <summary>A PL/pgSQL function's calls and time over a phase (pg_stat_user_functions, track_functions = pl): the deferred
    /// summary trigger runs at COMMIT, after the COMMIT statement's own timing in pg_stat_statements ends.</summary>
    public sealed record FunctionTime(string Function, long Calls, double TotalMs, double SelfMs);

    public sealed record LatencyRun(string Label, int PollIntervalMs, int Instances, double RatePerSecond, int Submitted, int Delivered, Stats SubmitHttp,
        Stats CommitToDelivery, long Repeats, List<Statement> Statements, PhaseCpu Cpu);

    public sealed record Burst(string Label, int Instances, int Assessments, double ImportSeconds, int Delivered, double CommitToLastSeconds,
        double FirstToLastSeconds, double FirstEventAfterCommitMs, double EventsPerSecond, double EventsPerSecondFirstToLast, List<double> InstanceCpuSeconds,
        List<Statement> Statements, PhaseCpu Cpu);

    public sealed record RawCeiling(int Posts, int Concurrency, double Seconds, double EventsPerSecond, int PayloadBytes, PhaseCpu Cpu);

    public sealed record Results(string Commit, DateTimeOffset MeasuredAt, int Cores, string LoadAverageBefore, string LoadAverageAfter,
        double IdleBusyCoresBefore, List<string> BusiestBefore, int Networks, int Units, long LoadedAssessments, long ChangeEvents,
        int Concurrency, OutboxCost Outbox, List<LatencyRun> Latency, List<Burst> Bursts, RawCeiling Ceiling, double MeanVerifyMicroseconds,
        long Verified, long VerifyFailures, Dictionary<string, long> DeliveryStates, long Attempts, string? Note);

    private sealed record Draft(Guid Id, int Revision, int Network);

    public static async Task<Results> RunAsync(Arguments options)
    {
        var connection = options.Required("connection");
        var apiDirectory = options.Required("api-dir");
        var serviceConnection = options.Required("service-connection");
        var key = options.Required("key");
        var pidFile = options.Optional("pid-file", "") is { Length: > 0 } p ? p : null;
        var logs = options.Optional("work", Path.GetTempPath());
        var submissions = int.Parse(options.Optional("submissions", "200"), CultureInfo.InvariantCulture);
        var events = int.Parse(options.Optional("events", "600"), CultureInfo.InvariantCulture);
        var rate = double.Parse(options.Optional("rate", "10"), CultureInfo.InvariantCulture);
        var burstMonths = int.Parse(options.Optional("burst-months", "30"), CultureInfo.InvariantCulture);
        var loadBefore = await File.ReadAllTextAsync("/proc/loadavg");

        // What else the machine is doing before anything of ours runs.
        var (idleBusy, _, busiest) = await MachineCheck.SampleAsync(Environment.ProcessId, TimeSpan.FromSeconds(3));
        Progress.Say($"Machine before the run: {idleBusy:F2} of {Environment.ProcessorCount} cores busy ({string.Join(", ", busiest)}); load average {loadBefore.Trim()}");

        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await ExecuteAsync(db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        CpuWindow.Postmaster = ParentOf(await ScalarAsync<int>(db, "SELECT pg_backend_pid()"));
        var dbOptions = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(dbOptions, connection);
        await using var context = new SeQuInDbContext(dbOptions.Options);
        var framework = await Dataset.ActiveFrameworkAsync(context);
        var units = await context.Units.AsNoTracking().Where(u => u.Code.StartsWith("BN")).ToListAsync();
        var networkIds = Enumerable.Range(1, Dataset.Networks)
            .Select(n => units.First(u => u.Code == Dataset.UnitCode(n, 0)).NetworkId).ToList();
        var unitsOf = Enumerable.Range(1, Dataset.Networks)
            .Select(n => Enumerable.Range(0, Dataset.UnitsPerNetwork).Select(pos => units.Single(u => u.Code == Dataset.UnitCode(n, pos))).ToList()).ToList();
        var loaded = await ScalarAsync<long>(db, "SELECT count(*) FROM assessments");
        var changeEvents = await ScalarAsync<long>(db, "SELECT count(*) FROM change_events");
        var changeEventsBytes = await ScalarAsync<long>(db, "SELECT pg_total_relation_size('change_events')");
        Progress.Say($"National data set: {loaded:N0} assessments, {changeEvents:N0} change-feed entries ({changeEventsBytes / 1e6:N0} MB with indexes)");

        await using var receiver = await WebhookReceiver.StartAsync();
        var services = new List<ServiceInstance>();
        async Task<List<ServiceInstance>> StartAsync(int poll, params string[] names)
        {
            foreach (var s in services)
            {
                await s.StopAsync();
            }
            services.Clear();
            foreach (var name in names)
            {
                services.Add(await ServiceInstance.StartAsync(apiDirectory, serviceConnection, name, TimeSpan.FromMilliseconds(poll), pidFile, logs));
            }
            return services;
        }
        try
        {
            var service = (await StartAsync(250, "a"))[0];
            using var admin = Client(service.Url, key);

            // A unit-member key per network (a units scope is one network's units) to draft and submit.
            var members = new List<string>();
            for (var n = 0; n < Dataset.Networks; n++)
            {
                var created = await PostAsync<CreatedApiKeyResponse>(admin, "/api/v1/keys",
                    new CreateApiKeyRequest($"webhook harness {n + 1}", Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: unitsOf[n].Select(u => u.Id).ToList())));
                members.Add(created.Token);
            }

            // Fresh complete drafts of the current month, made before anything is timed, spread over every network:
            // draft i is network i % 20, unit (i / 20) % 15, area i / 300.
            var month = Months.Format(Months.Current(TimeProvider.System));
            var warmUp = 20;
            var needed = warmUp + submissions + 2 * events;
            if (needed > Dataset.Networks * Dataset.UnitsPerNetwork * framework.Areas.Count)
            {
                throw new ArgumentException($"{needed} drafts asked for; the current month has room for {Dataset.Networks * Dataset.UnitsPerNetwork * framework.Areas.Count}.");
            }
            Progress.Say($"Making {needed:N0} complete drafts of {month} through the API (untimed)");
            var drafts = await MakeDraftsAsync(service.Url, members, unitsOf, framework, month, needed);
            var next = 0;
            List<Draft> Take(int count)
            {
                var taken = drafts.GetRange(next, count);
                next += count;
                return taken;
            }

            // ---- 1. The outbox's cost on a submission (no subscription: the dispatcher only looks for one) ---------
            Progress.Say($"Outbox cost: {warmUp} warm-up submissions, then {submissions} sequential submissions with pg_stat_statements reset");
            var memberClients = members.Select(m => Client(service.Url, m)).ToList();
            foreach (var draft in Take(warmUp))
            {
                await SubmitAsync(memberClients[draft.Network], draft);
            }
            await ExecuteAsync(db, "SELECT pg_stat_statements_reset()");
            await Task.Delay(1500); // backends flush function statistics at most once a second
            var functionsBefore = await FunctionsAsync(db);
            var cpu = CpuWindow.Start(services);
            var submitMs = new List<double>();
            foreach (var draft in Take(submissions))
            {
                var clock = Stopwatch.StartNew();
                await SubmitAsync(memberClients[draft.Network], draft);
                submitMs.Add(clock.Elapsed.TotalMilliseconds);
            }
            var outboxCpu = cpu.Stop();
            var statements = await StatementsAsync(db);
            await Task.Delay(1500);
            var functionsAfter = await FunctionsAsync(db);
            var functions = functionsAfter.Select(f => functionsBefore.FirstOrDefault(b => b.Function == f.Function) is { } b
                    ? new FunctionTime(f.Function, f.Calls - b.Calls, f.TotalMs - b.TotalMs, f.SelfMs - b.SelfMs) : f)
                .Where(f => f.Calls > 0).OrderByDescending(f => f.TotalMs).ToList();
            // The summary trigger functions (they call the refresh): their total time, without the nested calls counted twice.
            var triggerPerSubmission = functions.Sum(f => f.SelfMs) / submissions;
            var submissionStatements = statements.Where(s => !s.Query.Contains("webhook_", StringComparison.Ordinal)).ToList();
            var insert = submissionStatements.FirstOrDefault(s => s.Query.TrimStart().StartsWith("INSERT INTO change_events", StringComparison.Ordinal));
            var perSubmission = submissionStatements.Sum(s => s.TotalMs) / submissions;
            var others = (submissionStatements.Sum(s => s.TotalMs) - (insert?.TotalMs ?? 0)) / submissions;
            var submitStats = Stats.Of(submitMs);
            var outbox = new OutboxCost(submissions, submitStats, insert, perSubmission, others,
                insert is null ? double.NaN : insert.MeanMs / submitStats.MeanMs * 100, insert is null ? double.NaN : insert.TotalMs / submissions / perSubmission * 100,
                changeEvents, changeEventsBytes, statements.Take(25).ToList(), outboxCpu, functions, triggerPerSubmission,
                insert is null ? double.NaN : insert.TotalMs / submissions / (perSubmission + triggerPerSubmission) * 100);
            Progress.Say($"  submit HTTP median {submitStats.MedianMs:F2} ms, p95 {submitStats.P95Ms:F2} ms, mean {submitStats.MeanMs:F2} ms; " +
                         $"INSERT INTO change_events mean {insert?.MeanMs:F3} ms over {insert?.Calls} calls = {outbox.OutboxShareOfHttpMeanPercent:F1} % of a submission's mean latency, " +
                         $"{outbox.OutboxShareOfStatementsPercent:F1} % of its {perSubmission:F2} ms of statements, " +
                         $"{outbox.OutboxShareOfDatabasePercent:F1} % with the {triggerPerSubmission:F2} ms of PL/pgSQL functions (the deferred summary trigger) at commit");

            // ---- 2. Subscriptions: one per network, to the receiver ---------------------------------------------
            for (var n = 0; n < Dataset.Networks; n++)
            {
                var created = await PostAsync<CreatedSubscription>(admin, "/api/v1/webhooks/subscriptions",
                    new CreateSubscriptionRequest($"{receiver.BaseUrl}/hook/{n}", null, networkIds[n], null, $"harness network {n + 1}"));
                receiver.SetSecret(n, created.Secret);
            }
            Progress.Say($"20 subscriptions (one per network, every kind) to {receiver.BaseUrl}/hook/{{n}}");

            var latency = new List<LatencyRun>();
            latency.Add(await LatencyAsync(db, receiver, services, memberClients, Take(events), rate, "poll 250 ms", 250));

            // ---- 3. Bursts and the receiver's ceiling ------------------------------------------------------------
            var bursts = new List<Burst>();
            var firstMonth = Dataset.FirstMonth(DateTimeOffset.UtcNow);
            var burstMonthList = Enumerable.Range(1, burstMonths).Select(k => firstMonth.AddMonths(-k)).ToList();
            bursts.Add(await BurstAsync(db, receiver, services, admin, framework, unitsOf[0], burstMonthList, "one instance"));
            var ceiling = await CeilingAsync(receiver, services, bursts[0].Assessments);

            // ---- 4. A 50 ms poll, and two instances ---------------------------------------------------------------
            var fast = (await StartAsync(50, "a-poll50"))[0];
            memberClients.ForEach(c => c.Dispose());
            memberClients = members.Select(m => Client(fast.Url, m)).ToList();
            latency.Add(await LatencyAsync(db, receiver, services, memberClients, Take(events), rate, "poll 50 ms", 50));

            var two = await StartAsync(250, "a", "b");
            using var twoAdmin = Client(two[0].Url, key);
            bursts.Add(await BurstAsync(db, receiver, services, twoAdmin, framework, unitsOf[1], burstMonthList, "two instances"));
            memberClients.ForEach(c => c.Dispose());

            var states = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var command = new NpgsqlCommand("SELECT state::text, count(*) FROM webhook_deliveries GROUP BY 1 ORDER BY 1", db))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    states[reader.GetString(0)] = reader.GetInt64(1);
                }
            }
            var attempts = await ScalarAsync<long>(db, "SELECT count(*) FROM webhook_attempts");
            var loadAfter = await File.ReadAllTextAsync("/proc/loadavg");
            return new Results(options.Optional("commit", "unknown"), DateTimeOffset.UtcNow, Environment.ProcessorCount, loadBefore.Trim(), loadAfter.Trim(),
                idleBusy, busiest, Dataset.Networks, units.Count, loaded, changeEvents, Concurrency, outbox, latency, bursts, ceiling,
                receiver.MeanVerifyMicroseconds, receiver.Verified, receiver.VerifyFailures, states, attempts, options.Optional("note", "") is { Length: > 0 } note ? note : null);
        }
        finally
        {
            foreach (var s in services)
            {
                await s.DisposeAsync();
            }
        }
    }

    // ---- Commit-to-delivery latency --------------------------------------------------------------------------

    private static async Task<LatencyRun> LatencyAsync(NpgsqlConnection db, WebhookReceiver receiver, List<ServiceInstance> services, List<HttpClient> members,
        List<Draft> drafts, double rate, string label, int poll)
    {
        Progress.Say($"Commit to delivery, {label}: {drafts.Count} submissions at {rate:0.#}/s across the units of every network");
        // A short untimed warm-up of the delivery path on this instance (JIT, pools, the receiver's connection).
        await Task.Delay(1000);
        await ExecuteAsync(db, "SELECT pg_stat_statements_reset()");
        var cpu = CpuWindow.Start(services);
        var answered = new ConcurrentDictionary<Guid, long>();
        var submitMs = new ConcurrentBag<double>();
        var start = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>();
        using var gate = new SemaphoreSlim(8);
        for (var k = 0; k < drafts.Count; k++)
        {
            var due = start + (long)(k / rate * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            var draft = drafts[k];
            await gate.WaitAsync();
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    var sent = Stopwatch.GetTimestamp();
                    await SubmitAsync(members[draft.Network], draft);
                    var at = Stopwatch.GetTimestamp();
                    answered[draft.Id] = at;
                    submitMs.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        await Task.WhenAll(inFlight);
        var submittedFor = Stopwatch.GetElapsedTime(start);
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(50))
        {
            if (drafts.All(d => receiver.TryArrival(d.Id, out _)))
            {
                break;
            }
        }
        var phaseCpu = cpu.Stop();
        var latencies = new List<double>();
        foreach (var draft in drafts)
        {
            if (receiver.TryArrival(draft.Id, out var arrived))
            {
                // Negative when the event arrived before the client had read the answer (the commit is earlier than both).
                latencies.Add(Stopwatch.GetElapsedTime(answered[draft.Id], arrived).TotalMilliseconds);
            }
        }
        var stats = Stats.Of(latencies);
        var run = new LatencyRun(label, poll, services.Count, drafts.Count / submittedFor.TotalSeconds, drafts.Count, latencies.Count, Stats.Of(submitMs.ToList()),
            stats, receiver.Repeats, (await StatementsAsync(db)).Take(25).ToList(), phaseCpu);
        Progress.Say($"  {latencies.Count}/{drafts.Count} delivered; commit (submit answered) to delivery median {stats.MedianMs:F1} ms, p95 {stats.P95Ms:F1}, " +
                     $"p99 {stats.P99Ms:F1}, max {stats.MaxMs:F1} ms (min {stats.MinMs:F1}); submit HTTP median {run.SubmitHttp.MedianMs:F1} ms; " +
                     $"machine {phaseCpu.MachineBusyCores:F2} cores busy (other processes {phaseCpu.OtherCores:F2})");
        if (latencies.Count < drafts.Count)
        {
            throw new InvalidOperationException($"Only {latencies.Count} of {drafts.Count} events arrived within 60 s of the last submission.");
        }
        return run;
    }

    // ---- Throughput ------------------------------------------------------------------------------------------

    private static async Task<Burst> BurstAsync(NpgsqlConnection db, WebhookReceiver receiver, List<ServiceInstance> services, HttpClient admin,
        Dataset.Framework framework, List<SeQuIn.Api.Organisations.Unit> units, List<DateOnly> months, string label)
    {
        var csv = new StringBuilder("unitCode,areaCode,month,standardCode,value,agreedRating\n");
        var rng = new Random(12);
        foreach (var month in months)
        {
            foreach (var unit in units)
            {
                foreach (var area in framework.Areas)
                {
                    var agreed = rng.Next(framework.Min, framework.Max + 1);
                    foreach (var standard in area.Standards)
                    {
                        csv.Append(CultureInfo.InvariantCulture, $"{unit.Code},{area.Code},{Months.Format(month)},{standard.Code},{rng.Next(framework.Min, framework.Max + 1)},{agreed}\n");
                    }
                }
            }
        }
        var expected = months.Count * units.Count * framework.Areas.Count;
        Progress.Say($"Burst, {label}: POST /api/v1/assessments/import of {expected:N0} assessments ({months.Count} months × {units.Count} units × {framework.Areas.Count} areas) into one network");
        await Task.Delay(1000);
        await ExecuteAsync(db, "SELECT pg_stat_statements_reset()");
        var cpu = CpuWindow.Start(services);
        var instanceCpu = services.Select(s => s.CpuSeconds()).ToList();
        var sent = Stopwatch.GetTimestamp();
        using var content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
        using var response = await admin.PostAsync("/api/v1/assessments/import", content);
        var answer = await response.Content.ReadAsStringAsync();
        var committed = Stopwatch.GetTimestamp();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The import answered {(int)response.StatusCode}: {answer[..Math.Min(2000, answer.Length)]}");
        }
        var report = JsonSerializer.Deserialize<ImportReport>(answer, Json.Options)!;
        if (report.AssessmentIds.Count != expected)
        {
            throw new InvalidOperationException($"The import created {report.AssessmentIds.Count} assessments, not {expected}.");
        }
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromMinutes(10); await Task.Delay(20))
        {
            if (report.AssessmentIds.All(id => receiver.TryArrival(id, out _)))
            {
                break;
            }
        }
        var phaseCpu = cpu.Stop();
        var used = services.Select((s, i) => s.CpuSeconds() - instanceCpu[i]).ToList();
        var arrivals = report.AssessmentIds.Select(id => receiver.TryArrival(id, out var at) ? at : (long?)null).Where(a => a is not null).Select(a => a!.Value).ToList();
        if (arrivals.Count < expected)
        {
            throw new InvalidOperationException($"Only {arrivals.Count} of {expected} imported events arrived within 10 minutes.");
        }
        var (first, last) = (arrivals.Min(), arrivals.Max());
        var commitToLast = Stopwatch.GetElapsedTime(committed, last).TotalSeconds;
        var firstToLast = Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        var burst = new Burst(label, services.Count, expected, Stopwatch.GetElapsedTime(sent, committed).TotalSeconds, arrivals.Count, commitToLast, firstToLast,
            (first - committed) * 1000.0 / Stopwatch.Frequency, arrivals.Count / commitToLast, arrivals.Count / firstToLast, used,
            (await StatementsAsync(db)).Take(25).ToList(), phaseCpu);
        Progress.Say($"  import {burst.ImportSeconds:F2} s; {arrivals.Count:N0} events delivered {commitToLast:F2} s after its answer = {burst.EventsPerSecond:N0} events/s " +
                     $"(first to last {burst.EventsPerSecondFirstToLast:N0}/s; first event {burst.FirstEventAfterCommitMs:F0} ms after the answer); service CPU " +
                     string.Join(", ", used.Select(u => $"{u:F1} s")) + $"; machine {phaseCpu.MachineBusyCores:F2} cores busy");
        return burst;
    }

    /// <summary>The receiver's own ceiling: the same number of signed POSTs of a body the dispatcher sent, from the harness, 16 at a time.</summary>
    private static async Task<RawCeiling> CeilingAsync(WebhookReceiver receiver, List<ServiceInstance> services, int posts)
    {
        var payload = receiver.SamplePayload ?? throw new InvalidOperationException("No event arrived to copy.");
        var secret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        receiver.SetSecret(1000, secret);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
        var url = $"{receiver.BaseUrl}/raw/1000";
        async Task SendAsync()
        {
            using var request = WebhookPayloads.Request(url, Guid.CreateVersion7(), payload, DateTimeOffset.UtcNow, secret, null);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"The receiver answered {(int)response.StatusCode} to a raw POST.");
            }
        }
        for (var i = 0; i < 500; i++)
        {
            await SendAsync();
        }
        var before = receiver.Raw;
        var cpu = CpuWindow.Start(services);
        var clock = Stopwatch.StartNew();
        var left = posts;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref left) >= 0)
            {
                await SendAsync();
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        var phaseCpu = cpu.Stop();
        var counted = receiver.Raw - before;
        var ceiling = new RawCeiling((int)counted, Concurrency, seconds, counted / seconds, Encoding.UTF8.GetByteCount(payload), phaseCpu);
        Progress.Say($"Receiver ceiling: {counted:N0} signed POSTs ({ceiling.PayloadBytes} B body) from the harness, {Concurrency} at a time, in {seconds:F2} s = {ceiling.EventsPerSecond:N0}/s");
        return ceiling;
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------

    private static async Task<List<Draft>> MakeDraftsAsync(string url, List<string> members, List<List<SeQuIn.Api.Organisations.Unit>> unitsOf,
        Dataset.Framework framework, string month, int count)
    {
        var clients = members.Select(m => Client(url, m)).ToList();
        var drafts = new Draft[count];
        var rng = new Random(42);
        var values = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 10).Select(_ => rng.Next(framework.Min, framework.Max + 1)).ToArray()).ToArray();
        var nextIndex = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref nextIndex)) < count)
            {
                var network = i % Dataset.Networks;
                var unit = unitsOf[network][i / Dataset.Networks % Dataset.UnitsPerNetwork];
                var area = framework.Areas[i / (Dataset.Networks * Dataset.UnitsPerNetwork)];
                var client = clients[network];
                using var created = await client.PostAsJsonAsync("/api/v1/assessments", new CreateAssessmentRequest(unit.Id, area.Code, month,
                    [new ParticipantInput(ParticipantRole.Staff, "Ward staff"), new ParticipantInput(ParticipantRole.ServiceUser, "SU rep")]), Json.Options);
                var draft = await ReadAsync<AssessmentDetail>(created);
                var v = values[i];
                draft = await SendAsync(client, HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings",
                    new RatingsRequest(area.Standards.Select((s, k) => new RatingInput(s.Code, v[k % v.Length])).ToList()), draft.Revision);
                draft = await SendAsync(client, HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/agreed-rating",
                    new AgreedRatingRequest((int)Math.Round(area.Standards.Select((_, k) => v[k % v.Length]).Average(), MidpointRounding.AwayFromZero)), draft.Revision);
                drafts[i] = new Draft(draft.Id, draft.Revision, network);
            }
        })));
        clients.ForEach(c => c.Dispose());
        return [.. drafts];
    }

    private static async Task SubmitAsync(HttpClient client, Draft draft)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/submit");
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{draft.Revision}\""));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Submit answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        }
    }

    private static HttpClient Client(string url, string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static async Task<AssessmentDetail> SendAsync(HttpClient client, HttpMethod method, string url, object body, int revision)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body, body.GetType(), options: Json.Options) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{revision}\""));
        using var response = await client.SendAsync(request);
        return await ReadAsync<AssessmentDetail>(response);
    }

    private static async Task<T> PostAsync<T>(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsync(path, JsonContent.Create(body, body.GetType(), options: Json.Options));
        return await ReadAsync<T>(response);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
        }
        return JsonSerializer.Deserialize<T>(body, Json.Options)!;
    }

    /// <summary>The service role's statements since the last reset, most total time first (planning time not included).</summary>
    private static async Task<List<Statement>> StatementsAsync(NpgsqlConnection db)
    {
        var list = new List<Statement>();
        await using var command = new NpgsqlCommand("""
            SELECT regexp_replace(s.query, '\s+', ' ', 'g'), s.calls, s.total_exec_time, s.mean_exec_time, s.rows
            FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid JOIN pg_database d ON d.oid = s.dbid
            WHERE r.rolname = 'sequin_app' AND d.datname = current_database()
            ORDER BY s.total_exec_time DESC
            """, db);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(new Statement(reader.GetString(0).Trim(), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4)));
        }
        return list;
    }

    /// <summary>Every PL/pgSQL function's calls and times so far in this database (pg_stat_user_functions; empty unless track_functions is on).</summary>
    private static async Task<List<FunctionTime>> FunctionsAsync(NpgsqlConnection db)
    {
        await ExecuteAsync(db, "SELECT pg_stat_clear_snapshot()");
        var list = new List<FunctionTime>();
        await using var command = new NpgsqlCommand("SELECT schemaname || '.' || funcname, calls, total_time, self_time FROM pg_stat_user_functions", db);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(new FunctionTime(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3)));
        }
        return list;
    }

    private static async Task ExecuteAsync(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>CPU over a phase, from /proc: the machine, the service processes, every postgres process, the harness.</summary>
    private sealed class CpuWindow
    {
        private readonly List<ServiceInstance> _services;
        private readonly Dictionary<int, (string Name, double Cpu)> _before;
        private readonly (long Busy, long Total) _machine;
        private readonly long _start = Stopwatch.GetTimestamp();

        private CpuWindow(List<ServiceInstance> services)
        {
            _services = [.. services];
            _before = MachineCheck.Snapshot();
            _machine = MachineCheck.Ticks();
        }

        public static int Postmaster { get; set; }

        public static CpuWindow Start(List<ServiceInstance> services) => new(services);

        public PhaseCpu Stop()
        {
            var seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
            var after = MachineCheck.Snapshot();
            var machine = MachineCheck.Ticks();
            var busy = (double)(machine.Busy - _machine.Busy) / Math.Max(1, machine.Total - _machine.Total) * Environment.ProcessorCount;
            var deltas = after.Where(p => _before.ContainsKey(p.Key))
                .Select(p => (Pid: p.Key, p.Value.Name, Cores: (p.Value.Cpu - _before[p.Key].Cpu) / seconds)).ToList();
            var servicePids = _services.Select(s => s.Pid).ToHashSet();
            var service = deltas.Where(d => servicePids.Contains(d.Pid)).Sum(d => d.Cores);
            // Only this run's cluster: the postmaster and its children (another cluster on the machine is "other").
            var ours = deltas.Where(d => d.Pid == Postmaster || ParentOf(d.Pid) == Postmaster).Select(d => d.Pid).ToHashSet();
            var postgres = deltas.Where(d => ours.Contains(d.Pid)).Sum(d => d.Cores);
            var harness = deltas.Where(d => d.Pid == Environment.ProcessId).Sum(d => d.Cores);
            var other = deltas.Where(d => !servicePids.Contains(d.Pid) && !ours.Contains(d.Pid) && d.Pid != Environment.ProcessId).ToList();
            return new PhaseCpu(seconds, busy, service, postgres, harness, other.Sum(d => d.Cores),
                other.Where(d => d.Cores > 0.02).OrderByDescending(d => d.Cores).Take(3).Select(d => $"{d.Name} ({d.Pid}) {d.Cores:F2}").ToList());
        }
    }
}
