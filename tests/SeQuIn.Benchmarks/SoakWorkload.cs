using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;

namespace SeQuIn.Benchmarks;

/// <summary>One operation of the mix: scheduled (open loop) or started by a worker (closed loop), to its final answer.</summary>
/// <param name="Scheduled">When it was due, seconds on the soak's clock; latency is measured from here (no coordinated omission).</param>
/// <param name="Status">The final answer's status (0: none came).</param>
/// <param name="Attempts">Requests sent for it: more than one when a write was retried.</param>
public sealed record SoakOp(string Op, double Scheduled, double LatencyMs, int Status, int Attempts);

/// <summary>A unit and area of the soak month, as a ward tablet works on it, and what the client was told was stored.</summary>
public sealed class TabletSession(Guid unitId, string unitCode, int network, SeQuIn.Api.Framework.Area area)
{
    public Guid UnitId { get; } = unitId;
    public string UnitCode { get; } = unitCode;
    public int Network { get; } = network;
    public SeQuIn.Api.Framework.Area Area { get; } = area;
    public Guid? Id { get; set; }
    public int Revision { get; set; }
    public AssessmentStatus Status { get; set; }
    public Dictionary<string, int> Ratings { get; } = new(StringComparer.Ordinal);
    public int? Agreed { get; set; }
    /// <summary>Ratings changed since the agreed rating was last set: agree again before submitting (the stored agreed rating stays until then).</summary>
    public bool NeedsAgreement { get; set; } = true;
    /// <summary>After a return, the unit edits some ratings and the agreed rating again before submitting.</summary>
    public bool Revising { get; set; }
    /// <summary>Returns acknowledged (each leaves one question comment).</summary>
    public int Returns { get; set; }
    /// <summary>The client lost track (an answer it cannot explain): the check reports the session instead of comparing it.</summary>
    public string? Lost { get; set; }
    public string? CreateKey { get; set; }
}

/// <summary>An import: its key, the rows sent, and the assessment ids the service answered (none when it was not acknowledged).</summary>
/// <param name="Acknowledged">Answered 200: every row must be stored once. Otherwise the import must be stored whole or not at all.</param>
public sealed record SoakImport(string Key, int Network, string Month, List<Guid> Ids, Dictionary<(string Unit, string Area), (int Agreed, Dictionary<string, int> Values)> Rows,
    int Attempts, bool Acknowledged, int Status);

/// <summary>An export as the analyst read it.</summary>
public sealed record SoakExport(double Started, double Seconds, int Status, long Rows, long Bytes, double FirstByteSeconds, bool Complete, string? Error);

/// <summary>Everything the run's clients know and did; shared by the capacity ramp and the soak runs, so the final check covers both.</summary>
public sealed class SoakWorkload
{
    public const string ReadUnitMonth = "read-unit-month";
    public const string ReadAreaGroup = "read-area-group";
    public const string ReadTrend = "read-trend";
    public const string Tablet = "tablet";

    /// <summary>The mix: tablet steps half of the requests, analysts' reads the other half.</summary>
    public static readonly (string Op, int Weight)[] Mix = [(Tablet, 50), (ReadUnitMonth, 25), (ReadAreaGroup, 12), (ReadTrend, 13)];

    private static readonly TimeSpan WriteDeadline = TimeSpan.FromSeconds(120);
    private readonly SoakClient _client;
    private readonly SoakSetup _setup;
    private readonly ConcurrentQueue<TabletSession> _idle;

    public SoakWorkload(SoakClient client, SoakSetup setup)
    {
        _client = client;
        _setup = setup;
        _idle = new ConcurrentQueue<TabletSession>();
    }

    /// <summary>
    /// The tablets of a run: one session per unit (every unit, areas spread), each run its own, taken in turn — so
    /// that at a few tablet steps a second every session goes through its whole cycle several times in a run, as
    /// ward tablets do, rather than 3,600 sessions each getting one step. Call between runs only.
    /// </summary>
    public int UseSessionsOfRun(int run)
    {
        _idle.Clear();
        var areas = _setup.Framework.Areas.Count;
        var units = _setup.Units.Select(u => u.Id).ToList();
        var chosen = units.Select((unit, u) => _setup.Sessions.Single(s => s.UnitId == unit && s.Area.Code == _setup.Framework.Areas[(u + 5 * run) % areas].Code)).ToList();
        foreach (var session in chosen)
        {
            _idle.Enqueue(session);
        }
        return chosen.Count;
    }

    public ConcurrentQueue<SoakOp> Ops { get; private set; } = new();
    public ConcurrentQueue<SoakImport> Imports { get; } = new();
    public ConcurrentQueue<string> Anomalies { get; } = new();
    public int Adopted;
    public int AppliedThoughUnanswered;
    public int NoIdleSession;

    public ConcurrentQueue<SoakOp> SwapOps()
    {
        var taken = Ops;
        Ops = new ConcurrentQueue<SoakOp>();
        return taken;
    }

    public static string Pick(Random rng)
    {
        var total = Mix.Sum(m => m.Weight);
        var roll = rng.Next(total);
        foreach (var (op, weight) in Mix)
        {
            if ((roll -= weight) < 0)
            {
                return op;
            }
        }
        return Mix[^1].Op;
    }

    /// <summary>Runs one operation of the mix; recorded with its latency from <paramref name="scheduled"/>.</summary>
    public async Task RunAsync(string op, double scheduled, int seed)
    {
        var rng = new Random(seed);
        var (name, status, attempts) = op == Tablet ? await TabletStepAsync(rng) : await ReadAsync(op, rng);
        if (name is not null)
        {
            Ops.Enqueue(new SoakOp(name, scheduled, (_client.Now - scheduled) * 1000, status, attempts));
        }
    }

    // ---- Analysts' reads (no retry: an analyst's script would, but the read's answer is what is measured) ----

    private async Task<(string?, int, int)> ReadAsync(string op, Random rng)
    {
        var unit = _setup.Units[rng.Next(_setup.Units.Count)];
        var area = _setup.Framework.Areas[rng.Next(_setup.Framework.Areas.Count)].Code;
        var path = op switch
        {
            ReadUnitMonth => $"/api/v1/benchmarks/units/{unit.Id}?month={_setup.LastMonth}&group=network",
            ReadAreaGroup => $"/api/v1/benchmarks/units/{unit.Id}/areas/{area}?month={_setup.LastMonth}&group=national",
            _ => $"/api/v1/benchmarks/units/{unit.Id}/areas/{area}/trend?from={_setup.FirstMonth}&to={_setup.LastMonth}&group=network",
        };
        var answer = await _client.SendAsync(op, () => new HttpRequestMessage(HttpMethod.Get, _client.Url + path), _setup.AnalystKeys[unit.CollaborativeId!.Value],
            TimeSpan.FromSeconds(60));
        return (op, answer.Status, 1);
    }

    // ---- Ward tablets ---------------------------------------------------------------------------------------

    private async Task<(string?, int, int)> TabletStepAsync(Random rng)
    {
        if (!_idle.TryDequeue(out var session))
        {
            Interlocked.Increment(ref NoIdleSession);
            return (null, 0, 0);
        }
        try
        {
            if (session.Lost is not null)
            {
                return (null, 0, 0);
            }
            if (session.Id is null)
            {
                return await CreateAsync(session);
            }
            if (session.Status == AssessmentStatus.Submitted)
            {
                return await ReturnAsync(session);
            }
            var unrated = session.Area.Standards.Where(s => !session.Ratings.ContainsKey(s.Code)).Select(s => s.Code).ToList();
            if (unrated.Count > 0)
            {
                // A tablet rates the area in two sittings.
                return await RateAsync(session, unrated.Take((session.Area.Standards.Count + 1) / 2).ToList(), rng);
            }
            if (session.Revising)
            {
                var some = session.Area.Standards.OrderBy(_ => rng.Next()).Take(rng.Next(1, 4)).Select(s => s.Code).ToList();
                session.Revising = false;
                return await RateAsync(session, some, rng);
            }
            if (session.NeedsAgreement)
            {
                return await AgreeAsync(session);
            }
            return await SubmitAsync(session);
        }
        finally
        {
            _idle.Enqueue(session);
        }
    }

    private string Member(TabletSession session) => _setup.MemberKeys[session.Network];

    private HttpRequestMessage Json(HttpMethod method, string path, object body, int? revision, string? key)
    {
        var request = new HttpRequestMessage(method, _client.Url + path) { Content = JsonContent.Create(body, body.GetType(), options: SeQuIn.Api.Common.Json.Options) };
        if (revision is { } r)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{r}\""));
        }
        if (key is not null)
        {
            request.Headers.Add(Idempotency.Header, key);
        }
        return request;
    }

    private async Task<(string?, int, int)> CreateAsync(TabletSession session)
    {
        session.CreateKey ??= Guid.NewGuid().ToString();
        var body = new CreateAssessmentRequest(session.UnitId, session.Area.Code, _setup.SoakMonth,
            [new ParticipantInput(ParticipantRole.Staff, "Ward nurse"), new ParticipantInput(ParticipantRole.ServiceUser, "SU1")]);
        var (answer, attempts, _) = await _client.WriteAsync("create", () => Json(HttpMethod.Post, "/api/v1/assessments", body, null, session.CreateKey), Member(session),
            WriteDeadline);
        if (answer.Ok)
        {
            var detail = Parse(answer);
            (session.Id, session.Revision, session.Status) = (detail.Id, detail.Revision, detail.Status);
            session.CreateKey = null;
        }
        else if (answer.Status == 409)
        {
            // Made before this run, or made by a request whose answer was lost and whose key expired: take it over.
            await AdoptAsync(session);
        }
        else if (!answer.Retryable)
        {
            Anomaly(session, $"create answered {answer.Status}: {Short(answer.Body)}");
        }
        return ("create", answer.Status, attempts);
    }

    private async Task<(string?, int, int)> RateAsync(TabletSession session, List<string> codes, Random rng)
    {
        var values = codes.ToDictionary(c => c, _ => rng.Next(_setup.Framework.Min, _setup.Framework.Max + 1), StringComparer.Ordinal);
        var body = new RatingsRequest(codes.Select(c => new RatingInput(c, values[c])).ToList());
        var revision = session.Revision;
        var key = Guid.NewGuid().ToString();
        var (answer, attempts, ambiguous) = await _client.WriteAsync("ratings", () => Json(HttpMethod.Put, $"/api/v1/assessments/{session.Id}/ratings", body, revision, key),
            Member(session), WriteDeadline);
        if (await SettleAsync(session, answer, ambiguous, revision, d => codes.All(c => d.Ratings.Any(r => r.StandardCode == c && r.Value == values[c]))))
        {
            foreach (var (code, value) in values)
            {
                session.Ratings[code] = value;
            }
            session.NeedsAgreement = true;
        }
        return ("ratings", answer.Status, attempts);
    }

    private async Task<(string?, int, int)> AgreeAsync(TabletSession session)
    {
        var value = (int)Math.Round(session.Ratings.Values.Average(), MidpointRounding.AwayFromZero);
        var revision = session.Revision;
        var key = Guid.NewGuid().ToString();
        var (answer, attempts, ambiguous) = await _client.WriteAsync("agreed-rating",
            () => Json(HttpMethod.Put, $"/api/v1/assessments/{session.Id}/agreed-rating", new AgreedRatingRequest(value), revision, key), Member(session), WriteDeadline);
        if (await SettleAsync(session, answer, ambiguous, revision, d => d.AgreedRating == value))
        {
            session.Agreed = value;
            session.NeedsAgreement = false;
        }
        return ("agreed-rating", answer.Status, attempts);
    }

    private async Task<(string?, int, int)> SubmitAsync(TabletSession session)
    {
        var revision = session.Revision;
        var key = Guid.NewGuid().ToString();
        var (answer, attempts, ambiguous) = await _client.WriteAsync("submit", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"{_client.Url}/api/v1/assessments/{session.Id}/submit");
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{revision}\""));
            request.Headers.Add(Idempotency.Header, key);
            return request;
        }, Member(session), WriteDeadline);
        if (await SettleAsync(session, answer, ambiguous, revision, d => d.Status == AssessmentStatus.Submitted))
        {
            session.Status = AssessmentStatus.Submitted;
        }
        return ("submit", answer.Status, attempts);
    }

    private async Task<(string?, int, int)> ReturnAsync(TabletSession session)
    {
        var revision = session.Revision;
        var key = Guid.NewGuid().ToString();
        var body = new CommentRequest("Please check the evidence for the lowest rated standards.");
        var (answer, attempts, ambiguous) = await _client.WriteAsync("return", () => Json(HttpMethod.Post, $"/api/v1/assessments/{session.Id}/return", body, revision, key),
            _setup.LeadKeys[session.Network], WriteDeadline);
        if (await SettleAsync(session, answer, ambiguous, revision, d => d.Status == AssessmentStatus.Draft))
        {
            session.Status = AssessmentStatus.Draft;
            session.Revising = true;
            session.Returns++;
        }
        return ("return", answer.Status, attempts);
    }

    /// <summary>
    /// True when the change is stored. A 2xx says so (its revision must be the next one). A 412 after an attempt
    /// that got no answer or a 503 is the change having committed before the answer was lost: read back, and count
    /// it as stored if the next revision holds exactly this change. Anything else is an anomaly the report names.
    /// </summary>
    private async Task<bool> SettleAsync(TabletSession session, SoakAnswer answer, bool ambiguous, int revision, Func<AssessmentDetail, bool> holds)
    {
        if (answer.Ok)
        {
            var detail = Parse(answer);
            if (detail.Revision != revision + 1)
            {
                Anomaly(session, $"a change sent with revision {revision} was answered with revision {detail.Revision}");
            }
            session.Revision = detail.Revision;
            return true;
        }
        if (answer.Status == 412 && ambiguous)
        {
            var read = await ReadBackAsync(session, session.Id!.Value);
            if (read.Ok && Parse(read) is var stored && stored.Revision == revision + 1 && holds(stored))
            {
                Interlocked.Increment(ref AppliedThoughUnanswered);
                session.Revision = stored.Revision;
                return true;
            }
            Anomaly(session, $"412 after an unanswered attempt, and the stored revision is not this change (read back: {read.Status})");
            return false;
        }
        if (!answer.Retryable)
        {
            Anomaly(session, $"{answer.Status} to a change at revision {revision}: {Short(answer.Body)}");
        }
        // Still 503 or unanswered at the deadline: the step is tried again on the session's next turn, with the same revision.
        else if (ambiguous)
        {
            var read = await ReadBackAsync(session, session.Id!.Value);
            if (read.Ok && Parse(read) is var stored && stored.Revision != revision)
            {
                Anomaly(session, $"gave up on a change at revision {revision}, but the stored revision is {stored.Revision}");
            }
        }
        return false;
    }

    private async Task AdoptAsync(TabletSession session)
    {
        var (list, _, _) = await _client.WriteAsync("read-back", () => new HttpRequestMessage(HttpMethod.Get,
            $"{_client.Url}/api/v1/assessments?unitId={session.UnitId}&areaCode={session.Area.Code}&from={_setup.SoakMonth}&to={_setup.SoakMonth}"), Member(session),
            WriteDeadline);
        if (!list.Ok)
        {
            return;
        }
        using var document = JsonDocument.Parse(list.Body);
        var items = document.RootElement.GetProperty("items");
        if (items.GetArrayLength() != 1)
        {
            Anomaly(session, $"409 on create, but {items.GetArrayLength()} assessments are listed");
            return;
        }
        var id = items[0].GetProperty("id").GetGuid();
        var read = await ReadBackAsync(session, id);
        if (!read.Ok)
        {
            return;
        }
        var detail = Parse(read);
        (session.Id, session.Revision, session.Status, session.Agreed) = (detail.Id, detail.Revision, detail.Status, detail.AgreedRating);
        session.NeedsAgreement = true;
        foreach (var rating in detail.Ratings.Where(r => r.Value is not null))
        {
            session.Ratings[rating.StandardCode] = rating.Value!.Value;
        }
        session.Returns = detail.Comments.Count(c => c.Kind == CommentKind.Question);
        session.CreateKey = null;
        Interlocked.Increment(ref Adopted);
    }

    /// <summary>A client settling a write reads until it gets an answer (503s retried after Retry-After, as for a write).</summary>
    private async Task<SoakAnswer> ReadBackAsync(TabletSession session, Guid id) =>
        (await _client.WriteAsync("read-back", () => new HttpRequestMessage(HttpMethod.Get, $"{_client.Url}/api/v1/assessments/{id}"), Member(session), WriteDeadline)).Answer;

    private void Anomaly(TabletSession session, string what)
    {
        session.Lost ??= what;
        Anomalies.Enqueue($"{session.UnitCode} {session.Area.Code} ({session.Id}): {what}");
    }

    private static AssessmentDetail Parse(SoakAnswer answer) => JsonSerializer.Deserialize<AssessmentDetail>(answer.Body, SeQuIn.Api.Common.Json.Options)!;

    private static string Short(string body) => body.Length > 300 ? body[..300] + "…" : body;

    // ---- Alongside: one export streaming at a time, one history import at a time ------------------------------

    /// <summary>An analyst pulls its collaborative's whole history as CSV, again and again, one at a time; a 503 is retried after Retry-After.</summary>
    public async Task<List<SoakExport>> ExportLoopAsync(CancellationToken stop)
    {
        var exports = new List<SoakExport>();
        var turn = 0;
        while (!stop.IsCancellationRequested)
        {
            var collaborative = _setup.AnalystKeys.Keys.OrderBy(k => k).ElementAt(turn++ % _setup.AnalystKeys.Count);
            var started = _client.Now;
            var (status, rows, bytes, firstByte, error, complete) = await _client.StreamAsync("export-csv", "/api/v1/exports/ratings.csv", _setup.AnalystKeys[collaborative]);
            exports.Add(new SoakExport(started, _client.Now - started, status, rows, bytes, firstByte, complete, error));
            // A 200 whose stream was cut is no answer: the client got no export.
            Ops.Enqueue(new SoakOp("export-csv", started, (_client.Now - started) * 1000, status == 200 && !complete ? 0 : status, 1));
            await Pause(status is 503 or 0 ? 5 : 2, stop);
        }
        return exports;
    }

    /// <summary>
    /// A network administrator imports a month of history for one network (15 units × 12 areas × 10 standards, CSV),
    /// one import at a time, each month older than anything stored; a 503 is retried with the same Idempotency-Key.
    /// </summary>
    public async Task ImportLoopAsync(CancellationToken stop)
    {
        var turn = 0;
        while (!stop.IsCancellationRequested)
        {
            var network = 1 + turn % Dataset.Networks;
            var month = _setup.NextImportMonth(network);
            var rng = new Random(turn++);
            var rows = new Dictionary<(string, string), (int, Dictionary<string, int>)>();
            var csv = new StringBuilder("unitCode,areaCode,month,standardCode,value,agreedRating\n");
            foreach (var unit in _setup.UnitsOf(network))
            {
                foreach (var area in _setup.Framework.Areas)
                {
                    var values = area.Standards.ToDictionary(s => s.Code, _ => rng.Next(_setup.Framework.Min, _setup.Framework.Max + 1), StringComparer.Ordinal);
                    var agreed = (int)Math.Round(values.Values.Average(), MidpointRounding.AwayFromZero);
                    rows[(unit.Code, area.Code)] = (agreed, values);
                    foreach (var (code, value) in values)
                    {
                        csv.Append(CultureInfo.InvariantCulture, $"{unit.Code},{area.Code},{month},{code},{value},{agreed}\n");
                    }
                }
            }
            var text = csv.ToString();
            var key = Guid.NewGuid().ToString();
            var started = _client.Now;
            var (answer, attempts, _) = await _client.WriteAsync("import", () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, $"{_client.Url}/api/v1/assessments/import") { Content = new StringContent(text, Encoding.UTF8, "text/csv") };
                request.Headers.Add(Idempotency.Header, key);
                return request;
            }, _setup.AdminKey, WriteDeadline);
            var ids = answer.Ok ? JsonSerializer.Deserialize<ImportReport>(answer.Body, SeQuIn.Api.Common.Json.Options)!.AssessmentIds.ToList() : [];
            Imports.Enqueue(new SoakImport(key, network, month, ids, rows, attempts, answer.Ok, answer.Status));
            Ops.Enqueue(new SoakOp("import", started, (_client.Now - started) * 1000, answer.Status, attempts));
            if (!answer.Ok)
            {
                // After a 503 whose import had committed, the retry is told the month exists (422): the check decides.
                Anomalies.Enqueue($"import of {Dataset.NetworkCode(network)} {month} answered {answer.Status} after {attempts} attempts: {Short(answer.Body)}");
            }
            await Pause(2, stop);
        }
    }

    private static async Task Pause(double seconds, CancellationToken stop)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), stop);
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
