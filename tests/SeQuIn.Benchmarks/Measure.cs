using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Benchmarks;

/// <param name="Check">Returns why a response body is not the expected answer, or null when it is.</param>
public sealed record QuerySpec(string Name, string Title, string Path, double TargetMs, Func<JsonElement, string?> Check);

/// <param name="Statements">Statements the request ran (Npgsql's DISCARD ALL resets not counted).</param>
/// <param name="Resets">DISCARD ALL statements Npgsql sent before them.</param>
/// <param name="Floor1">pgbench -c 1 over the captured statements (the latency floor).</param>
/// <param name="AsSent1">pgbench -c 1 over the statements as sent, resets included.</param>
/// <param name="Floor8Cpu">CPU in the middle of the pgbench -c 8 run: PostgreSQL per script.</param>
/// <param name="WrkCpu">CPU during the wrk run: the service and PostgreSQL per request.</param>
public sealed record QueryResult(string Name, string Title, string Path, double TargetMs, int Statements, int Resets, LatencyStats Http,
    PgbenchResult Floor1, PgbenchResult AsSent1, PgbenchResult Floor2, PgbenchResult Floor8, CpuShare Floor8Cpu, WrkResult Wrk, CpuShare WrkCpu,
    List<ExplainResult> Explains)
{
    public double FloorThroughput => Math.Max(Floor2.Tps, Floor8.Tps);
}

/// <param name="Samples">Submissions timed.</param>
/// <param name="Total">Submit round trip + reads until the benchmark shows the new score.</param>
/// <param name="ReadsNeeded">Most reads any sample needed (1 = visible at the first read).</param>
/// <summary>GET /health/live: no authentication, no database — what the HTTP stack alone costs on this machine.</summary>
public sealed record StackFloor(LatencyStats Http, WrkResult Wrk, CpuShare WrkCpu);

public sealed record FreshnessResult(int Samples, LatencyStats Submit, LatencyStats FirstRead, LatencyStats Total, int ReadsNeeded, LatencyStats SqlBaseline,
    List<FreshnessSample> Details, List<double> SqlBaselineMs);

/// <summary>One submission: the unit and area, and milliseconds from sending the submit.</summary>
public sealed record FreshnessSample(string Unit, string Area, double SubmitMs, double FirstReadMs, double TotalMs, int Reads);

/// <param name="FloorCopySeconds">COPY (the same query) TO STDOUT (FORMAT csv), read by the harness.</param>
/// <param name="ReaderSeconds">The same query read row by row with Npgsql, every column.</param>
/// <param name="SentCopySeconds">When the endpoint sends its query as a COPY (… TO STDOUT (FORMAT BINARY)): that very
/// statement, read raw and discarded by the harness. Null when it sends a plain query.</param>
public sealed record ExportResult(long Rows, long Bytes, double Seconds, double FirstByteSeconds, double RssBeforeMb, double RssMaxMb, double RssAfterMb, int RssSamples,
    long FloorRows, double FloorCopySeconds, double ReaderSeconds, List<ExplainResult> Explains, double? SentCopySeconds = null);

/// <summary>The measure step: the service is running over the loaded data set; every figure has its baseline from this run.</summary>
public sealed partial class Measure
{
    private readonly string _connectionString;
    private readonly string _url;
    private readonly string _key;
    private readonly int _pid;
    private readonly string _results;
    private readonly string _work;
    private readonly string _wrk;
    private readonly int _seconds;
    private readonly int _samples;
    private readonly Pgbench _pgbench;
    private readonly SqlCapture _capture;
    private readonly HttpClient _http;

    public Measure(Arguments options)
    {
        _connectionString = new NpgsqlConnectionStringBuilder(options.Required("connection")) { CommandTimeout = 0 }.ConnectionString;
        _url = options.Required("url").TrimEnd('/');
        _key = options.Required("key");
        _pid = int.Parse(options.Required("pid"), CultureInfo.InvariantCulture);
        _results = options.Required("results");
        _work = options.Optional("work", Path.Combine(Path.GetTempPath(), "sequin-bench"));
        _wrk = options.Optional("wrk", "wrk");
        _seconds = int.Parse(options.Optional("seconds", "10"), CultureInfo.InvariantCulture);
        _samples = int.Parse(options.Optional("samples", "300"), CultureInfo.InvariantCulture);
        _pgbench = new Pgbench(options.Optional("pgbench", "/usr/lib/postgresql/15/bin/pgbench"), _connectionString);
        _capture = new SqlCapture(_connectionString, options.Optional("service-app", "sequin-api"));
        _http = NewClient(_key);
        Directory.CreateDirectory(_work);
        Directory.CreateDirectory(Path.Combine(_results, "sql"));
        Directory.CreateDirectory(Path.Combine(_results, "explain"));
    }

    public static HttpClient NewClient(string bearer, int connections = 1)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromMinutes(10),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>Cores busy over one second before measuring, with the service idle (other load on the machine).</summary>
    public double IdleBusyCores { get; private set; }

    /// <summary>The busiest other processes at that moment.</summary>
    public List<string> OtherProcesses { get; private set; } = [];

    public async Task<(List<QueryResult> Queries, StackFloor? Stack, FreshnessResult? Freshness, ExportResult? Export)> RunAsync(LoadFigures load, ISet<string> parts)
    {
        await WaitForServiceAsync();
        // Let the start-up settle (the service's background compilation, autovacuum after the load), up to 20 s; then
        // record what else is using the machine, for the report.
        for (var attempt = 0; ; attempt++)
        {
            var (busy, other, busiest) = await MachineCheck.SampleAsync(_pid, TimeSpan.FromSeconds(1));
            IdleBusyCores = busy;
            OtherProcesses = busiest;
            if (busy < 0.25 || attempt == 19)
            {
                Progress.Say($"Machine before measuring: {busy:F2} of {Environment.ProcessorCount} cores busy ({other:F2} by other processes" +
                             (busiest.Count > 0 ? ": " + string.Join(", ", busiest) : "") + ")");
                break;
            }
        }
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        SeQuInDbContext.Configure(options, _connectionString);
        await using var db = new SeQuInDbContext(options.Options);
        var framework = await Dataset.ActiveFrameworkAsync(db);
        var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Code, StringComparer.Ordinal);
        var unit = units[Dataset.UnitCode(1, Dataset.MediumPerNetwork)];
        var area = framework.Areas[0];
        var (first, last) = (load.FirstMonth, load.LastMonth);
        Progress.Say($"Benchmark unit {unit.Code} ({unit.Id}), area {area.Code}, months {first} to {last}");

        var export = parts.Contains("export") ? await ExportAsync(unit.Code, last) : null;

        QuerySpec[] specs =
        [
            new("unit-month", "A unit's month across 12 areas (group=network)",
                $"/api/v1/benchmarks/units/{unit.Id}?month={last}&group=network", 5,
                body => body.GetProperty("areas").GetArrayLength() == framework.Areas.Count ? null : "expected every area"),
            new("area-group", $"One area's group comparison per standard ({area.Code}, group=national)",
                $"/api/v1/benchmarks/units/{unit.Id}/areas/{area.Code}?month={last}&group=national", 15,
                body => body.GetProperty("standards").EnumerateArray().All(s => s.GetProperty("group").GetProperty("units").GetInt32() >= load.Units * 9 / 10)
                    ? null : "expected every unit in the national group"),
            new("trend", $"10-year trend with control limits ({area.Code}, 120 months, group=network)",
                $"/api/v1/benchmarks/units/{unit.Id}/areas/{area.Code}/trend?from={first}&to={last}&group=network", 20,
                body => body.GetProperty("points").GetArrayLength() == Dataset.Months && body.GetProperty("upperProcessLimit").ValueKind == JsonValueKind.Number
                    ? null : "expected 120 points and process limits"),
        ];
        var stack = parts.Contains("stack") ? await StackFloorAsync() : null;
        var queries = new List<QueryResult>();
        foreach (var spec in specs.Where(s => parts.Contains("queries") || parts.Contains(s.Name)))
        {
            queries.Add(await QueryAsync(spec));
        }

        FreshnessResult? freshness = null;
        if (parts.Contains("freshness"))
        {
            // Units with nothing yet in the current month (so that a second run against the same database works too):
            // three of network 2 submit through the API and two of network 3 with SQL for the baseline; the first of each
            // warms its path up (JIT, plan caches, the trigger function) untimed.
            var month = Months.Current(TimeProvider.System);
            var busy = (await db.Assessments.AsNoTracking().Where(a => a.Month == month).Select(a => a.UnitId).Distinct().ToListAsync()).ToHashSet();
            Guid[] Free(int network, int count) => Enumerable.Range(0, Dataset.UnitsPerNetwork).Select(p => units[Dataset.UnitCode(network, p)].Id)
                .Where(id => !busy.Contains(id)).Take(count).ToArray();
            freshness = await FreshnessAsync(framework, units.Values.ToDictionary(u => u.Id, u => u.Code), Free(2, 3), Free(3, 2));
        }
        return (queries, stack, freshness, export);
    }

    private async Task<StackFloor> StackFloorAsync()
    {
        Progress.Say("HTTP stack alone: GET /health/live (anonymous, no database)");
        using var anonymous = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 });
        var url = _url + "/health/live";
        for (var i = 0; i < 100; i++)
        {
            await GetTextAsync(anonymous, url);
        }
        var samples = new List<double>(_samples);
        for (var i = 0; i < _samples; i++)
        {
            var clock = Stopwatch.StartNew();
            await GetTextAsync(anonymous, url);
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        var http = LatencyStats.Of(samples);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        var window = await CpuWindow.StartAsync(connection, _pid, "sequin-api");
        var wrk = await Wrk.RunAsync(_wrk, url, bearer: null, seconds: _seconds);
        var cpu = await window.StopAsync(connection, wrk.Requests);
        Progress.Say($"  median {http.MedianMs:F2} ms; wrk -t2 -c8 {wrk.RequestsPerSecond:F0} requests/s; service CPU {cpu.ServiceMsPerRequest:F3} ms per request");
        return new StackFloor(http, wrk, cpu);
    }

    private async Task WaitForServiceAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await _http.GetAsync(_url + "/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new InvalidOperationException($"The service at {_url} did not become ready in 90 s.");
            }
            await Task.Delay(250);
        }
    }

    // ---- Benchmark queries ----------------------------------------------------------------------------------

    private async Task<QueryResult> QueryAsync(QuerySpec spec)
    {
        Progress.Say($"{spec.Name}: {spec.Title}");
        var url = _url + spec.Path;
        var body = await GetTextAsync(_http, url);
        using (var document = JsonDocument.Parse(body))
        {
            if (spec.Check(document.RootElement) is { } problem)
            {
                throw new InvalidOperationException($"{spec.Path} did not answer as expected ({problem}): {body[..Math.Min(body.Length, 500)]}");
            }
        }
        // Warm-up: at least 300 requests and 3 seconds, so that tiered compilation has settled (tier-1 with PGO).
        var warmUp = Stopwatch.StartNew();
        for (var i = 0; i < 300 || warmUp.Elapsed < TimeSpan.FromSeconds(3); i++)
        {
            await GetTextAsync(_http, url);
        }

        var statements = await _capture.CaptureAsync(() => GetTextAsync(_http, url));
        var queries = statements.Where(s => !s.IsReset).ToList();
        var resets = statements.Count - queries.Count;
        if (queries.Count == 0)
        {
            throw new InvalidOperationException($"No statement was captured for {spec.Path}.");
        }
        var (floorScript, defines) = await WriteScriptsAsync(spec, statements, queries);
        var asSentScript = Path.Combine(_results, "sql", $"{spec.Name}.as-sent.pgbench.sql");

        var samples = new List<double>(_samples);
        for (var i = 0; i < _samples; i++)
        {
            var clock = Stopwatch.StartNew();
            await GetTextAsync(_http, url);
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        var http = LatencyStats.Of(samples);
        Progress.Say($"  HTTP, one client: median {http.MedianMs:F2} ms, p90 {http.P90Ms:F2} ms, p99 {http.P99Ms:F2} ms ({http.Count} requests)");

        var floor1 = await _pgbench.RunAsync(floorScript, defines, 1, _seconds, Path.Combine(_work, "pgbench"));
        var asSent1 = await _pgbench.RunAsync(asSentScript, defines, 1, _seconds, Path.Combine(_work, "pgbench"));
        var floor2 = await _pgbench.RunAsync(floorScript, defines, 2, _seconds);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        // PostgreSQL's CPU per script, from the middle of the -c 8 run (connections open, not yet closing).
        var running = _pgbench.RunAsync(floorScript, defines, 8, _seconds);
        var margin = Math.Min(1000, _seconds * 100);
        await Task.Delay(margin);
        var pgbenchWindow = await CpuWindow.StartAsync(connection, null, "pgbench");
        await Task.Delay(_seconds * 1000 - 2 * margin);
        var floor8Cpu = await pgbenchWindow.StopAsync(connection, 1);
        var floor8 = await running;
        floor8Cpu = floor8Cpu with { Work = floor8.Tps * floor8Cpu.Seconds };
        Progress.Say($"  SQL floor ({queries.Count} statements): -c1 median {floor1.Latency!.MedianMs:F2} ms ({floor1.Tps:F0} tps); as sent with {resets} DISCARD ALL: " +
                     $"median {asSent1.Latency!.MedianMs:F2} ms; -c2 {floor2.Tps:F0} tps; -c8 {floor8.Tps:F0} tps");

        var window = await CpuWindow.StartAsync(connection, _pid, "sequin-api");
        var wrk = await Wrk.RunAsync(_wrk, url, _key, seconds: _seconds);
        var wrkCpu = await window.StopAsync(connection, wrk.Requests);
        if (wrk.Non2xx > 0)
        {
            throw new InvalidOperationException($"wrk saw {wrk.Non2xx} responses that were not 2xx/3xx on {spec.Path}.");
        }
        Progress.Say($"  wrk -t2 -c8: {wrk.RequestsPerSecond:F0} requests/s (p50 {wrk.P50Ms:F2} ms, p99 {wrk.P99Ms:F2} ms); CPU per request: service {wrkCpu.ServiceMsPerRequest:F2} ms, " +
                     $"PostgreSQL {wrkCpu.DatabaseMsPerRequest:F2} ms (pgbench: {floor8Cpu.DatabaseMsPerRequest:F2} ms per script); machine busy {wrkCpu.MachineBusyCores:F2} of {Environment.ProcessorCount} cores");

        var explains = await Explain.RunAsync(_connectionString, queries, Path.Combine(_results, "explain", $"{spec.Name}.txt"));
        var slowest = explains.MaxBy(e => e.ExecutionMs)!;
        Progress.Say($"  Slowest statement: #{slowest.Index} {slowest.ExecutionMs:F2} ms execution ({slowest.PlanTop})");
        return new QueryResult(spec.Name, spec.Title, spec.Path, spec.TargetMs, queries.Count, resets, http, floor1, asSent1, floor2, floor8, floor8Cpu, wrk, wrkCpu, explains);
    }

    /// <summary>Writes the pgbench scripts (floor, and as sent with the resets) and a readable .sql with the values written in.</summary>
    private async Task<(string Script, List<string> Defines)> WriteScriptsAsync(QuerySpec spec, List<CapturedStatement> all, List<CapturedStatement> queries)
    {
        var defines = new List<string>();
        var floor = new StringBuilder($"-- {spec.Title}\n-- GET {spec.Path}\n-- Captured from PostgreSQL's statement log for one request; run with pgbench -M extended and the -D values in {spec.Name}.defines.\n");
        var asSent = new StringBuilder($"-- As {spec.Name}.pgbench.sql, with the DISCARD ALL that Npgsql sends before each statement (pooled connection reset).\n");
        var readable = new StringBuilder($"-- {spec.Title}\n-- GET {spec.Path}\n-- The statements one request ran, in order, with the parameter values written in.\n\n");
        var index = 0;
        foreach (var statement in all)
        {
            if (statement.IsReset)
            {
                asSent.Append("DISCARD ALL;\n");
                continue;
            }
            index++;
            var (sql, statementDefines) = statement.ForPgbench(index);
            defines.AddRange(statementDefines);
            floor.Append(sql.TrimEnd().TrimEnd(';')).Append(";\n");
            asSent.Append(sql.TrimEnd().TrimEnd(';')).Append(";\n");
            readable.Append(CultureInfo.InvariantCulture, $"-- {index}\n").Append(statement.WithLiterals().TrimEnd().TrimEnd(';')).Append(";\n\n");
        }
        var script = Path.Combine(_results, "sql", $"{spec.Name}.pgbench.sql");
        await File.WriteAllTextAsync(script, floor.ToString());
        await File.WriteAllTextAsync(Path.Combine(_results, "sql", $"{spec.Name}.as-sent.pgbench.sql"), asSent.ToString());
        await File.WriteAllTextAsync(Path.Combine(_results, "sql", $"{spec.Name}.defines"), string.Join('\n', defines) + "\n");
        await File.WriteAllTextAsync(Path.Combine(_results, "sql", $"{spec.Name}.sql"), readable.ToString());
        _ = queries;
        return (script, defines);
    }

    private static async Task<string> GetTextAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {body}");
        }
        return body;
    }

    // ---- Freshness --------------------------------------------------------------------------------------------

    /// <summary>
    /// Submits drafts of the current month as a unit member and times the submit round trip plus the reads of
    /// GET benchmark until it shows the new score; the baseline submits drafts of another unit with SQL (UPDATE +
    /// COMMIT, the same trigger) and reads the unit's area results directly.
    /// </summary>
    private async Task<FreshnessResult> FreshnessAsync(Dataset.Framework framework, Dictionary<Guid, string> codes, IReadOnlyList<Guid> apiUnits, IReadOnlyList<Guid> sqlUnits)
    {
        Progress.Say("Freshness: submit through the API, then GET benchmark until it shows the new score");
        var month = Months.Format(Months.Current(TimeProvider.System));
        var monthDate = Months.Parse(month);
        var rng = new Random(42);

        var submits = new List<double>();
        var firstReads = new List<double>();
        var totals = new List<double>();
        var readsNeeded = 0;
        var details = new List<FreshnessSample>();
        for (var u = 0; u < apiUnits.Count; u++)
        {
            var apiUnit = apiUnits[u];
            var timed = u > 0;
            using var member = NewClient(await UnitMemberKeyAsync(apiUnit));
            var benchmarkUrl = $"{_url}/api/v1/benchmarks/units/{apiUnit}?month={month}&group=network";
            await GetTextAsync(member, benchmarkUrl);
            foreach (var area in framework.Areas)
            {
                var (draft, expected) = await DraftAsync(member, apiUnit, area, month, framework, rng);
                var clock = Stopwatch.StartNew();
                using (var request = new HttpRequestMessage(HttpMethod.Post, $"{_url}/api/v1/assessments/{draft.Id}/submit"))
                {
                    request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{draft.Revision}\""));
                    using var response = await member.SendAsync(request);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new InvalidOperationException($"Submit answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                    await response.Content.ReadAsByteArrayAsync();
                }
                var submitted = clock.Elapsed.TotalMilliseconds;
                var reads = 0;
                double? firstRead = null;
                while (true)
                {
                    var before = clock.Elapsed.TotalMilliseconds;
                    var body = await GetTextAsync(member, benchmarkUrl);
                    reads++;
                    firstRead ??= clock.Elapsed.TotalMilliseconds - before;
                    using var document = JsonDocument.Parse(body);
                    var score = document.RootElement.GetProperty("areas").EnumerateArray()
                        .Where(a => a.GetProperty("code").GetString() == area.Code)
                        .Select(a => a.GetProperty("score")).FirstOrDefault();
                    if (score.ValueKind == JsonValueKind.Number && score.GetDecimal() == expected)
                    {
                        break;
                    }
                    if (clock.Elapsed > TimeSpan.FromSeconds(10))
                    {
                        throw new InvalidOperationException($"GET benchmark never showed {area.Code} = {expected} after submitting: {body}");
                    }
                }
                if (!timed)
                {
                    continue;
                }
                totals.Add(clock.Elapsed.TotalMilliseconds);
                submits.Add(submitted);
                firstReads.Add(firstRead!.Value);
                readsNeeded = Math.Max(readsNeeded, reads);
                details.Add(new FreshnessSample(codes[apiUnit], area.Code, submitted, firstRead.Value, totals[^1], reads));
            }
        }

        // Baseline: the database's share. Drafts made the same way; submitted with SQL; read back directly.
        var baseline = new List<double>();
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        for (var u = 0; u < sqlUnits.Count; u++)
        {
            var sqlUnit = sqlUnits[u];
            using var sqlMember = NewClient(await UnitMemberKeyAsync(sqlUnit));
            foreach (var area in framework.Areas)
            {
                var (draft, expected) = await DraftAsync(sqlMember, sqlUnit, area, month, framework, rng);
                var clock = Stopwatch.StartNew();
                await using (var transaction = await connection.BeginTransactionAsync())
                {
                    await using var update = new NpgsqlCommand("""
                        UPDATE assessments SET status = 'Submitted', submitted_at = now(), submitted_by = 'system:benchmark', updated_at = now(),
                            revision = revision + 1
                        WHERE id = $1 AND status = 'Draft'
                        """, connection);
                    update.Parameters.Add(new NpgsqlParameter { Value = draft.Id });
                    if (await update.ExecuteNonQueryAsync() != 1)
                    {
                        throw new InvalidOperationException($"Draft {draft.Id} was not submitted by SQL.");
                    }
                    await transaction.CommitAsync();
                }
                await using var read = new NpgsqlCommand(
                    "SELECT a.area_code, a.month, a.mean, a.percentage FROM area_results AS a WHERE a.unit_id = $1 AND (a.month = $2 OR a.month = $3)", connection);
                read.Parameters.Add(new NpgsqlParameter { Value = sqlUnit });
                read.Parameters.Add(new NpgsqlParameter { Value = monthDate });
                read.Parameters.Add(new NpgsqlParameter { Value = monthDate.AddMonths(-1) });
                decimal? mean = null;
                await using (var reader = await read.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        if (reader.GetString(0) == area.Code && reader.GetFieldValue<DateOnly>(1) == monthDate)
                        {
                            mean = reader.GetDecimal(2);
                        }
                    }
                }
                if (u > 0)
                {
                    baseline.Add(clock.Elapsed.TotalMilliseconds);
                }
                if (mean != expected)
                {
                    throw new InvalidOperationException($"The SQL baseline read {mean} for {area.Code}, expected {expected}.");
                }
            }
        }
        var result = new FreshnessResult(totals.Count, LatencyStats.Of(submits), LatencyStats.Of(firstReads), LatencyStats.Of(totals), readsNeeded, LatencyStats.Of(baseline),
            details, baseline);
        Progress.Say($"  API: submit median {result.Submit.MedianMs:F1} ms + first read {result.FirstRead.MedianMs:F1} ms = {result.Total.MedianMs:F1} ms " +
                     $"(max {result.Total.MaxMs:F1} ms; most reads needed {readsNeeded}); SQL baseline median {result.SqlBaseline.MedianMs:F1} ms");
        return result;
    }

    private async Task<string> UnitMemberKeyAsync(Guid unitId)
    {
        using var response = await _http.PostAsJsonAsync($"{_url}/api/v1/keys",
            new CreateApiKeyRequest("benchmark freshness", Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [unitId])), Json.Options);
        var created = await ReadAsync<CreatedApiKeyResponse>(response);
        return created.Token;
    }

    /// <summary>A complete draft of the area for the month: both participants, every standard rated, an agreed rating.</summary>
    private async Task<(AssessmentDetail Draft, decimal ExpectedMean)> DraftAsync(HttpClient member, Guid unitId, SeQuIn.Api.Framework.Area area, string month,
        Dataset.Framework framework, Random rng)
    {
        using var created = await member.PostAsJsonAsync($"{_url}/api/v1/assessments", new CreateAssessmentRequest(unitId, area.Code, month,
            [new ParticipantInput(ParticipantRole.Staff, "Ward staff"), new ParticipantInput(ParticipantRole.ServiceUser, "SU rep")]), Json.Options);
        var draft = await ReadAsync<AssessmentDetail>(created);
        var values = area.Standards.Select(_ => rng.Next(framework.Min, framework.Max + 1)).ToList();
        draft = await SendAsync(member, HttpMethod.Put, $"{_url}/api/v1/assessments/{draft.Id}/ratings",
            new RatingsRequest(area.Standards.Select((s, i) => new RatingInput(s.Code, values[i])).ToList()), draft.Revision);
        draft = await SendAsync(member, HttpMethod.Put, $"{_url}/api/v1/assessments/{draft.Id}/agreed-rating",
            new AgreedRatingRequest((int)Math.Round(values.Average(), MidpointRounding.AwayFromZero)), draft.Revision);
        return (draft, Math.Round((decimal)values.Sum() / values.Count, 2, MidpointRounding.AwayFromZero));
    }

    private static async Task<AssessmentDetail> SendAsync(HttpClient client, HttpMethod method, string url, object body, int revision)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body, body.GetType(), options: Json.Options) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{revision}\""));
        using var response = await client.SendAsync(request);
        return await ReadAsync<AssessmentDetail>(response);
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

    // ---- CSV export -------------------------------------------------------------------------------------------

    /// <summary>
    /// GET /api/v1/exports/ratings.csv of everything, read as fast as the harness can, while the service's VmRSS is
    /// sampled every 100 ms. Runs first, right after a small warm-up export, so that earlier load tests have not
    /// already grown the heap it is measured against. Baselines: the same SQL as COPY ... TO STDOUT (FORMAT csv),
    /// and read row by row with Npgsql; when the service sends it as COPY (SELECT …) TO STDOUT (FORMAT BINARY), the
    /// baselines run that SELECT, and the statement as sent is also timed, read raw and discarded.
    /// </summary>
    private async Task<ExportResult> ExportAsync(string unitCode, string month)
    {
        Progress.Say("CSV export of every rating, with the service's RSS sampled every 100 ms");
        await GetTextAsync(_http, $"{_url}/api/v1/exports/ratings.csv?from={month}&to={month}&unitCode={unitCode}");
        await Task.Delay(500);

        var before = RssMb(_pid);
        var samples = new List<double> { before };
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                samples.Add(RssMb(_pid));
            }
        });

        long lines = 0, bytes = 0;
        double seconds = 0, firstByte = 0;
        var statements = await _capture.CaptureAsync(async () =>
        {
            var clock = Stopwatch.StartNew();
            using var response = await _http.GetAsync($"{_url}/api/v1/exports/ratings.csv", HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                if (bytes == 0)
                {
                    firstByte = clock.Elapsed.TotalSeconds;
                }
                bytes += read;
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
            seconds = clock.Elapsed.TotalSeconds;
        });
        await stop.CancelAsync();
        try
        {
            await sampler;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        await Task.Delay(1000);
        var after = RssMb(_pid);
        var rows = lines - 1;
        Progress.Say($"  {rows:N0} rows, {bytes / 1e6:N0} MB in {seconds:F2} s = {rows / seconds:N0} rows/s; first byte after {firstByte * 1000:F0} ms; " +
                     $"RSS {before:F0} MB before, {samples.Max():F0} MB max, {after:F0} MB after ({samples.Count} samples)");

        var query = statements.Where(s => !s.IsReset).ToList();
        var export = query.LastOrDefault(s => s.Sql.Contains("standard_results", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("The export's query was not captured.");
        var sent = export.WithLiterals();
        // The endpoint may send its SELECT wrapped in COPY (…) TO STDOUT (FORMAT BINARY): the floors run that SELECT.
        var copied = CopiedQuery().Match(sent);
        var sql = copied.Success ? copied.Groups["select"].Value.Trim() : sent;
        await File.WriteAllTextAsync(Path.Combine(_results, "sql", "export.sql"),
            "-- GET /api/v1/exports/ratings.csv (national admin, no filters)\n-- Captured from PostgreSQL's statement log, parameter values written in.\n\n" +
            (copied.Success ? $"-- As sent:\n-- {sent.ReplaceLineEndings("\n-- ")}\n\n-- Its query, which the baselines run:\n" : "") + $"{sql};\n");

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        double? sentSeconds = null;
        if (copied.Success)
        {
            var sentClock = Stopwatch.StartNew();
            await using (var copy = await connection.BeginRawBinaryCopyAsync(sent))
            {
                var raw = new byte[1 << 20];
                while (await copy.ReadAsync(raw.AsMemory(), CancellationToken.None) > 0)
                {
                }
            }
            sentSeconds = sentClock.Elapsed.TotalSeconds;
        }
        var floorClock = Stopwatch.StartNew();
        long floorLines = 0;
        using (var copy = await connection.BeginTextExportAsync($"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)"))
        {
            var chars = new char[1 << 20];
            int read;
            while ((read = await copy.ReadAsync(chars)) > 0)
            {
                floorLines += chars.AsSpan(0, read).Count('\n');
            }
        }
        var floorSeconds = floorClock.Elapsed.TotalSeconds;
        var floorRows = floorLines - 1;

        var readerClock = Stopwatch.StartNew();
        long readerRows = 0;
        await using (var command = new NpgsqlCommand(sql, connection))
        await using (var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess))
        {
            var types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetFieldType).ToArray();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < types.Length; i++)
                {
                    if (await reader.IsDBNullAsync(i))
                    {
                        continue;
                    }
                    _ = types[i] switch
                    {
                        var t when t == typeof(Guid) => reader.GetGuid(i).GetHashCode(),
                        var t when t == typeof(string) => reader.GetString(i).Length,
                        var t when t == typeof(int) => reader.GetInt32(i),
                        var t when t == typeof(bool) => reader.GetBoolean(i) ? 1 : 0,
                        var t when t == typeof(DateTime) => reader.GetDateTime(i).Day,
                        _ => reader.GetValue(i).GetHashCode(),
                    };
                }
                readerRows++;
            }
        }
        var readerSeconds = readerClock.Elapsed.TotalSeconds;
        if (floorRows != rows || readerRows != rows)
        {
            throw new InvalidOperationException($"The export sent {rows} rows; the same SQL gives {floorRows} (COPY) and {readerRows} (reader).");
        }
        Progress.Say($"  Baselines: COPY TO STDOUT csv {floorRows / floorSeconds:N0} rows/s; Npgsql reader {readerRows / readerSeconds:N0} rows/s" +
                     (sentSeconds is { } s ? $"; the statement as sent (binary COPY, discarded) {rows / s:N0} rows/s" : ""));
        // EXPLAIN takes no COPY: the plan is the SELECT's.
        var explains = await Explain.RunAsync(_connectionString, [copied.Success ? new CapturedStatement(sql, []) : export],
            Path.Combine(_results, "explain", "export.txt"));
        return new ExportResult(rows, bytes, seconds, firstByte, before, samples.Max(), after, samples.Count, floorRows, floorSeconds, readerSeconds, explains,
            sentSeconds);
    }

    /// <summary>COPY (query) TO STDOUT …, capturing the query.</summary>
    [GeneratedRegex(@"^\s*COPY\s*\((?<select>.*)\)\s*TO\s+STDOUT\b", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex CopiedQuery();

    /// <summary>VmRSS of a process, in MB (10^6 bytes).</summary>
    public static double RssMb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kilobytes * 1024 / 1e6;
            }
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS.");
    }
}
