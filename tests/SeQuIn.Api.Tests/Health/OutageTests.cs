using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;

namespace SeQuIn.Api.Tests.Health;

/// <summary>
/// Faults of the real database, on a cluster of the class's own: stopped cleanly, crashed, out of pooled
/// connections, and a connection reset in the middle of a request. The service answers 503 with Retry-After within
/// seconds, recovers as soon as the database is back, runs a request again only where nothing can be applied twice,
/// and never leaves a change half-written.
/// </summary>
public sealed class OutageTests(OutageDatabase database, ITestOutputHelper output) : IClassFixture<OutageDatabase>, IAsyncLifetime
{
    /// <summary>The promise is 5 s; the bound is generous so that a busy machine does not fail the test.</summary>
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(8);

    private static readonly string[] Areas = ["INV", "RPW", "RCO", "RRP", "CPA", "FFC", "MDT", "DHW", "MAC", "SRA", "RAS", "TEC"];

    public Task InitializeAsync() => database.EnsureRunningAsync();

    public Task DisposeAsync() => database.EnsureRunningAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task While_the_database_is_down_every_kind_of_call_answers_503_with_retry_after_within_seconds_and_liveness_stays_200(bool crashed)
    {
        var world = await database.NewWorldAsync();
        var unit = await database.Admin.GetAsync($"/api/v1/units/{world.Unit.Id}");
        var unitETag = unit.Headers.ETag!.Tag;
        var current = (await unit.Content.ReadFromJsonAsync<UnitResponse>(Json.Options))!;
        using var anonymous = database.App.CreateClient();

        await (crashed ? database.CrashAsync() : database.Cluster.StopAsync());

        var calls = new (string What, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("an anonymous read", () => anonymous.GetAsync("/api/v1/frameworks/active")),
            ("a signed-in list", () => world.Lead.GetAsync($"/api/v1/units?networkId={world.Network.Id}")),
            ("a list of assessments", () => world.Lead.GetAsync($"/api/v1/assessments?unitId={world.Unit.Id}")),
            ("a create with Idempotency-Key", () => WithKey(database.Admin, HttpMethod.Post, "/api/v1/networks",
                JsonContent.Create(new CreateNetworkRequest(Code("N"), "Network"), options: Json.Options), Guid.NewGuid().ToString())),
            ("a change with If-Match", () => WithIfMatch(database.Admin, $"/api/v1/units/{world.Unit.Id}", unitETag,
                new UpdateUnitRequest("Renamed", current.SecurityLevel, current.Provider.Id, current.Network.Id, true, current.Collaborative?.Id))),
            ("a CSV export", () => world.Analyst.GetAsync("/api/v1/exports/ratings.csv")),
            ("an import", () => WithKey(world.Admin, HttpMethod.Post, "/api/v1/assessments/import",
                JsonContent.Create(new ImportDocument(History(world, 2)), options: Json.Options), Guid.NewGuid().ToString())),
            ("a benchmark", () => world.Lead.GetAsync($"/api/v1/benchmarks/units/{world.Unit.Id}")),
        };
        foreach (var (what, send) in calls)
        {
            var clock = Stopwatch.StartNew();
            using var response = await send();
            clock.Stop();

            output.WriteLine($"{(crashed ? "crashed" : "stopped")}: {what} answered {(int)response.StatusCode} in {clock.Elapsed.TotalMilliseconds:0} ms");
            await AssertUnavailableAsync(response, what);
            Assert.Equal(TimeSpan.FromSeconds(ApiExceptionHandler.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
            Assert.True(clock.Elapsed < AnswerBound, $"{what} took {clock.Elapsed.TotalSeconds:0.0} s to answer.");
        }

        var clockReady = Stopwatch.StartNew();
        using var ready = await anonymous.GetAsync("/health/ready");
        Assert.True(clockReady.Elapsed < AnswerBound, $"Readiness took {clockReady.Elapsed.TotalSeconds:0.0} s to answer.");
        var problem = await AssertUnavailableAsync(ready, "readiness");
        Assert.Equal("unreachable", problem["checks"]!["database"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Once_the_database_returns_after_a_crash_the_very_first_call_succeeds_and_no_dead_pooled_connection_is_handed_out()
    {
        var world = await database.NewWorldAsync();
        // Fill the pool with connections the crash will kill, and call nothing in between: they are all still pooled.
        var warm = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => world.Lead.GetAsync($"/api/v1/units?networkId={world.Network.Id}")));
        Assert.All(warm, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await database.CrashAsync();
        await database.Cluster.StartAsync();

        var back = Stopwatch.StartNew();
        var answers = new List<HttpStatusCode>();
        while (true)
        {
            using var response = await world.Lead.GetAsync($"/api/v1/units?networkId={world.Network.Id}");
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }
            await AssertUnavailableAsync(response, "a read while the database comes back");
            Assert.True(back.Elapsed < TimeSpan.FromSeconds(30), $"No 200 within 30 s: {string.Join(", ", answers)}");
            await Task.Delay(100);
        }
        back.Stop();
        output.WriteLine($"first 200 {back.Elapsed.TotalMilliseconds:0} ms after the database returned; answers: {string.Join(", ", answers.Select(a => (int)a))}");

        Assert.True(back.Elapsed < TimeSpan.FromSeconds(10), $"The first 200 came {back.Elapsed.TotalSeconds:0.0} s after the database returned.");
        // The key lookup that signs the request in met a dead pooled connection and was run again on a new one.
        Assert.Equal([HttpStatusCode.OK], answers);
        var after = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => world.Lead.GetAsync($"/api/v1/units?networkId={world.Network.Id}")));
        Assert.All(after, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task With_every_pooled_connection_held_a_call_answers_503_with_retry_after_within_seconds_instead_of_hanging()
    {
        await using var app = database.CreateApp(";Maximum Pool Size=2;Timeout=2");
        using var admin = app.CreateClient(database.AdminToken);
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/networks?limit=1")).StatusCode);

        List<Task<HttpResponseMessage>> held;
        await using (var units = await database.LockAsync("units", "ACCESS EXCLUSIVE"))
        {
            // Two reads wait on the lock, each holding one of the pool's two connections.
            held = [admin.GetAsync("/api/v1/units"), admin.GetAsync("/api/v1/units")];
            await database.WaitForBlockedAsync(2);

            var clock = Stopwatch.StartNew();
            using var response = await admin.GetAsync("/api/v1/networks?limit=1");
            clock.Stop();
            output.WriteLine($"pool exhausted: answered {(int)response.StatusCode} in {clock.Elapsed.TotalMilliseconds:0} ms");
            await AssertUnavailableAsync(response, "a read with the pool exhausted");
            Assert.Equal(TimeSpan.FromSeconds(ApiExceptionHandler.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
            Assert.True(clock.Elapsed < AnswerBound, $"It took {clock.Elapsed.TotalSeconds:0.0} s to answer.");
            await AssertUnavailableAsync(await anonymous.GetAsync("/health/ready"), "readiness with the pool exhausted");
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        }

        // The lock gone, the two waiting reads finish, and the pool serves again.
        Assert.All(await Task.WhenAll(held), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/networks?limit=1")).StatusCode);
    }

    [Fact]
    public async Task When_PostgreSQL_refuses_more_connections_a_call_answers_503_with_retry_after_and_recovers_when_it_accepts_again()
    {
        // Every request opens a connection of its own, so the limit below meets the next one (SQLSTATE 53300,
        // as when instances together hold max_connections).
        await using var app = database.CreateApp(";Pooling=false");
        using var admin = app.CreateClient(database.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/networks?limit=1")).StatusCode);

        await database.Cluster.ScalarAsync($"ALTER DATABASE {OutageDatabase.Database} CONNECTION LIMIT 0");
        try
        {
            using var refused = await admin.GetAsync("/api/v1/networks?limit=1");
            await AssertUnavailableAsync(refused, "a read when PostgreSQL has no connection to give");
            Assert.Equal(TimeSpan.FromSeconds(ApiExceptionHandler.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
        }
        finally
        {
            await database.Cluster.ScalarAsync($"ALTER DATABASE {OutageDatabase.Database} CONNECTION LIMIT -1");
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/networks?limit=1")).StatusCode);
    }

    [Fact]
    public async Task An_import_cut_off_by_a_crash_leaves_nothing_behind_and_its_retry_with_the_same_key_applies_it_once()
    {
        var world = await database.NewWorldAsync();
        var rows = History(world, 120);
        var key = Guid.NewGuid().ToString();
        Task<HttpResponseMessage> import;
        var ratings = await database.LockAsync("ratings", "EXCLUSIVE");
        try
        {
            // The import writes its claim, assessments and audit row, then waits to write the ratings: the crash
            // comes in the middle of its transaction.
            import = Import(world, rows, key);
            await database.WaitForBlockedAsync(1, "INSERT INTO ratings%");
            await database.CrashAsync();
        }
        finally
        {
            await ratings.DisposeAsync();
        }

        using (var cut = await import)
        {
            await AssertUnavailableAsync(cut, "the import cut off");
        }
        await database.Cluster.StartAsync();
        Assert.Equal((0, 0, 0, 0, 0, 0), await WrittenAsync(world, key));

        var applied = await UntilAvailableAsync(() => Import(world, rows, key));
        var report = (await applied.Content.ReadFromJsonAsync<ImportReport>(Json.Options))!;
        using var replay = await Import(world, rows, key);

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal((true, 1200, 120), (report.Applied, report.Rows, report.Assessments));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"), "the second send was applied again, not replayed");
        Assert.Equal((120, 1200, 120, 1200, 1, 1), await WrittenAsync(world, key));
    }

    [Fact]
    public async Task A_read_whose_connection_is_reset_mid_query_is_run_again_and_answers_200()
    {
        var world = await database.NewWorldAsync();
        Task<HttpResponseMessage> read;
        await using (var units = await database.LockAsync("units", "ACCESS EXCLUSIVE"))
        {
            read = world.Lead.GetAsync($"/api/v1/units?networkId={world.Network.Id}");
            var backend = (await database.WaitForBlockedAsync(1)).Single();
            await database.Cluster.ScalarAsync($"SELECT pg_terminate_backend({backend})");
        }

        using var response = await read;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = (await response.Content.ReadFromJsonAsync<Page<UnitResponse>>(Json.Options))!;
        Assert.Equal(2, page.Items.Count);
        Assert.Contains(database.App.Logs.Lines, line => line.Contains("running it again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_change_whose_connection_is_reset_before_it_commits_is_applied_exactly_once()
    {
        var world = await database.NewWorldAsync();
        var unit = await database.Admin.GetAsync($"/api/v1/units/{world.Unit.Id}");
        var current = (await unit.Content.ReadFromJsonAsync<UnitResponse>(Json.Options))!;
        var revision = await database.CountAsync($"SELECT revision FROM units WHERE id = '{world.Unit.Id}'");
        var code = Code("N");
        Task<HttpResponseMessage> rename;
        Task<HttpResponseMessage> create;
        await using (var tables = await database.LockAsync("units, networks", "EXCLUSIVE"))
        {
            rename = WithIfMatch(database.Admin, $"/api/v1/units/{world.Unit.Id}", unit.Headers.ETag!.Tag,
                new UpdateUnitRequest("Renamed once", current.SecurityLevel, current.Provider.Id, current.Network.Id, true, current.Collaborative?.Id));
            create = WithKey(database.Admin, HttpMethod.Post, "/api/v1/networks",
                JsonContent.Create(new CreateNetworkRequest(code, "Network"), options: Json.Options), Guid.NewGuid().ToString());
            foreach (var backend in await database.WaitForBlockedAsync(2))
            {
                await database.Cluster.ScalarAsync($"SELECT pg_terminate_backend({backend})");
            }
        }

        using var renamed = await rename;
        using var created = await create;

        // Either applied once or refused with 503; here nothing had been sent outside the lost transaction, so both ran again.
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(revision + 1, await database.CountAsync($"SELECT revision FROM units WHERE id = '{world.Unit.Id}'"));
        Assert.Equal(1, await database.CountAsync($"SELECT count(*) FROM audit_events WHERE action = 'unit.updated' AND entity_id = '{world.Unit.Id}'"));
        Assert.Equal(1, await database.CountAsync($"SELECT count(*) FROM networks WHERE code = '{code}'"));
        Assert.Equal(1, await database.CountAsync(
            $"SELECT count(*) FROM audit_events WHERE action = 'network.created' AND entity_id = (SELECT id::text FROM networks WHERE code = '{code}')"));
    }

    [Fact]
    public async Task A_repeat_sent_while_the_first_is_still_running_waits_for_it_and_gets_its_answer()
    {
        var code = Code("N");
        var key = Guid.NewGuid().ToString();
        Task<HttpResponseMessage> Create() => WithKey(database.Admin, HttpMethod.Post, "/api/v1/networks",
            JsonContent.Create(new CreateNetworkRequest(code, "Network"), options: Json.Options), key);
        Task<HttpResponseMessage> first;
        Task<HttpResponseMessage> repeat;
        await using (var networks = await database.LockAsync("networks", "EXCLUSIVE"))
        {
            first = Create();
            await database.WaitForBlockedAsync(1);
            // The first holds its claim on the key, uncommitted: the repeat waits on it.
            repeat = Create();
            await database.WaitForBlockedAsync(2);
        }

        using var created = await first;
        using var replayed = await repeat;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
        Assert.True(replayed.Headers.Contains("Idempotent-Replayed"), "the repeat was not a replay");
        Assert.Equal(created.Headers.Location, replayed.Headers.Location);
        Assert.Equal(1, await database.CountAsync($"SELECT count(*) FROM networks WHERE code = '{code}'"));
    }

    /// <summary>
    /// What the import writes, as the database holds it: assessments, their ratings, the benchmark summaries kept
    /// beside them (by trigger), the import's audit row and its idempotency record.
    /// </summary>
    private async Task<(long Assessments, long Ratings, long AreaResults, long StandardResults, long AuditRows, long Claims)> WrittenAsync(
        AssessmentWorld world, string key)
    {
        var units = $"('{world.Unit.Id}', '{world.OtherUnit.Id}')";
        return (await database.CountAsync($"SELECT count(*) FROM assessments WHERE unit_id IN {units}"),
            await database.CountAsync($"SELECT count(*) FROM ratings r JOIN assessments a ON a.id = r.assessment_id WHERE a.unit_id IN {units}"),
            await database.CountAsync($"SELECT count(*) FROM area_results WHERE unit_id IN {units}"),
            await database.CountAsync($"SELECT count(*) FROM standard_results WHERE unit_id IN {units}"),
            await database.CountAsync($"SELECT count(*) FROM audit_events WHERE action = 'assessments.imported' AND network_id = '{world.Network.Id}'"),
            await database.CountAsync($"SELECT count(*) FROM idempotency_records WHERE key = '{key}'"));
    }

    private static Task<HttpResponseMessage> Import(AssessmentWorld world, IReadOnlyList<ImportRow> rows, string key) =>
        WithKey(world.Admin, HttpMethod.Post, "/api/v1/assessments/import", JsonContent.Create(new ImportDocument(rows), options: Json.Options), key);

    /// <summary>Sends until the answer is not 503 (the database has just returned), for at most 10 s.</summary>
    private static async Task<HttpResponseMessage> UntilAvailableAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return response;
            }
            response.Dispose();
            await Task.Delay(100);
        }
    }

    private static Task<HttpResponseMessage> WithKey(HttpClient client, HttpMethod method, string url, HttpContent content, string key)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add(Idempotency.Header, key);
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> WithIfMatch<T>(HttpClient client, string url, string etag, T body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body, options: Json.Options) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        return client.SendAsync(request);
    }

    private static async Task<JsonObject> AssertUnavailableAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: expected 503, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"{what}: no Retry-After");
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(503, problem["status"]!.GetValue<int>());
        return problem;
    }

    /// <summary>Complete assessments (10 ratings each) over the world's two units, all areas and past months.</summary>
    private static List<ImportRow> History(AssessmentWorld world, int assessments)
    {
        var rows = new List<ImportRow>();
        var units = new[] { world.Unit.Code, world.OtherUnit.Code };
        for (var made = 0; made < assessments; made++)
        {
            var month = Months.Format(new DateOnly(2026, 10, 1).AddMonths(-1 - made / (units.Length * Areas.Length)));
            var unit = units[made / Areas.Length % units.Length];
            var area = Areas[made % Areas.Length];
            for (var i = 1; i <= 10; i++)
            {
                rows.Add(new ImportRow(unit, area, month, $"{area}-{i:00}", (i + made) % 5, AgreedRating: made % 5));
            }
        }
        return rows;
    }

    private static string Code(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";
}
