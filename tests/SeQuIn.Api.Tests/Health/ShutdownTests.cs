using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Health;

/// <summary>
/// SIGTERM to a real service process (a test host cannot be signalled, and stopping one disposes its server): the
/// drain answers readiness 503 at once, refuses new work, lets in-flight exports and writes finish, cuts what outlives
/// SeQuIn:Shutdown:DrainSeconds, and exits 0.
/// </summary>
[Collection(WaitingApiCollection.Name)]
public sealed class ShutdownTests(SeQuInApiFixture fixture)
{
    /// <summary>About 30 MB of CSV: far more than the socket buffers and the export's 1 MB flushes hold, so a client that stops reading keeps it in flight.</summary>
    private const int ExportRows = 300_000;

    [Fact]
    public async Task On_sigterm_readiness_fails_at_once_new_requests_get_503_and_an_export_and_a_write_in_flight_finish_before_the_process_exits_0()
    {
        await using var setup = await ServiceSetup.StartAsync(fixture, drainSeconds: 60);
        var (service, admin, world) = (setup.Service, setup.Admin, setup.World);
        await setup.LoadRatingsAsync(ExportRows);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/health/ready")).StatusCode);

        // An export whose client reads its first bytes, then stops reading for now: it stays in flight.
        using var exportClient = service.CreateClient(setup.AdminToken);
        using var export = await exportClient.GetAsync("/api/v1/exports/ratings.csv", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var csv = await export.Content.ReadAsStreamAsync();
        var firstBytes = new byte[4096];
        var firstRead = await csv.ReadAsync(firstBytes);
        Assert.True(firstRead > 0);
        await setup.WaitUntilAsync("the export's COPY is running", "query LIKE 'COPY%' AND state = 'active'");

        // A write that waits for a row lock the test holds.
        var unit = await admin.GetAsync($"/api/v1/units/{world.Unit.Id}");
        var etag = unit.Headers.ETag!;
        await using var locker = await setup.OpenOwnerConnectionAsync();
        await using var holding = await locker.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM units WHERE id = $1 FOR UPDATE", locker, holding) { Parameters = { new() { Value = world.Unit.Id } } })
        {
            await lockRow.ExecuteScalarAsync();
        }
        var renamed = "Renamed during the drain";
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/units/{world.Unit.Id}")
        {
            Content = JsonContent.Create(new UpdateUnitRequest(renamed, SecurityLevel.Low, world.Unit.Provider.Id, world.Network.Id, true, null), options: Json.Options),
        };
        put.Headers.IfMatch.Add(etag);
        var write = admin.SendAsync(put);
        await setup.WaitUntilAsync("the write waits for the row lock", "wait_event_type = 'Lock'");

        var terminated = Stopwatch.StartNew();
        service.Terminate();

        var ready = await PollAsync(() => admin.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
        var readyAfter = terminated.Elapsed;
        var readiness = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("draining", readiness["checks"]!["shutdown"]!.GetValue<string>());

        using var newcomer = service.CreateClient(setup.AdminToken);
        var refused = await newcomer.GetAsync($"/api/v1/units/{world.Unit.Id}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.True(refused.Headers.ConnectionClose, "a refusal during the drain should close its connection");
        Assert.Equal(HttpStatusCode.OK, (await newcomer.GetAsync("/health/live")).StatusCode);
        Assert.False(service.HasExited, "the process exited while work was in flight");

        await holding.CommitAsync();
        var written = await write;
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        Assert.Equal(renamed, await setup.ScalarAsync<string>($"SELECT name FROM units WHERE id = '{world.Unit.Id}'"));

        var lines = CountLines(firstBytes.AsSpan(0, firstRead)) + await CountLinesAsync(csv);
        Assert.Equal(ExportRows + 1, lines);

        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(readyAfter < TimeSpan.FromSeconds(10), $"readiness answered 503 only after {readyAfter.TotalSeconds:0.0} s");
        await Assert.ThrowsAsync<HttpRequestException>(() => newcomer.GetAsync("/health/live"));
    }

    [Fact]
    public async Task Work_that_outlives_a_short_drain_is_cut_and_the_process_still_exits_0_promptly()
    {
        await using var setup = await ServiceSetup.StartAsync(fixture, drainSeconds: 2);
        await setup.LoadRatingsAsync(ExportRows);
        using var exportClient = setup.Service.CreateClient(setup.AdminToken);
        using var export = await exportClient.GetAsync("/api/v1/exports/ratings.csv", HttpCompletionOption.ResponseHeadersRead);
        var csv = await export.Content.ReadAsStreamAsync();
        Assert.True(await csv.ReadAsync(new byte[4096]) > 0);
        await setup.WaitUntilAsync("the export's COPY is running", "query LIKE 'COPY%' AND state = 'active'");

        var terminated = Stopwatch.StartNew();
        setup.Service.Terminate();
        var exitCode = await setup.Service.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var exitedAfter = terminated.Elapsed;

        Assert.Equal(0, exitCode);
        Assert.InRange(exitedAfter, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(2 + 13));
        Assert.Contains("cutting 1 requests still in flight", setup.Service.Output);
        // The client learns the export is incomplete: the stream breaks off instead of ending.
        await Assert.ThrowsAnyAsync<IOException>(() => CountLinesAsync(csv));
    }

    [Fact]
    public async Task An_export_whose_client_goes_away_stops_its_database_work_promptly()
    {
        await using var setup = await ServiceSetup.StartAsync(fixture, drainSeconds: 25);
        await setup.LoadRatingsAsync(ExportRows);
        var exportClient = setup.Service.CreateClient(setup.AdminToken);
        var export = await exportClient.GetAsync("/api/v1/exports/ratings.csv", HttpCompletionOption.ResponseHeadersRead);
        Assert.True(await (await export.Content.ReadAsStreamAsync()).ReadAsync(new byte[4096]) > 0);
        await setup.WaitUntilAsync("the export's COPY is running", "query LIKE 'COPY%' AND state = 'active'");

        export.Dispose();
        exportClient.Dispose();

        await setup.WaitUntilAsync("the export's COPY has ended", "query LIKE 'COPY%' AND state = 'active'", expected: 0);
        Assert.Equal(HttpStatusCode.OK, (await setup.Admin.GetAsync("/health/ready")).StatusCode);
        Assert.False(setup.Service.HasExited);
    }

    private static async Task<HttpResponseMessage> PollAsync(Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, bool> until, TimeSpan deadline)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            var response = await send();
            if (until(response) || started.Elapsed > deadline)
            {
                Assert.True(until(response), $"Still {(int)response.StatusCode} after {deadline.TotalSeconds:0} s: {await response.Content.ReadAsStringAsync()}");
                return response;
            }
            await Task.Delay(50);
        }
    }

    private static int CountLines(ReadOnlySpan<byte> bytes) => bytes.Count((byte)'\n');

    private static async Task<int> CountLinesAsync(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        var lines = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            lines += CountLines(buffer.AsSpan(0, read));
        }
        return lines;
    }

    /// <summary>A database of its own (a copy of the migrated template, as a deployment has it after migrate), and one service process on it.</summary>
    private sealed class ServiceSetup : IAsyncDisposable
    {
        private readonly SeQuInApiFixture _fixture;
        private readonly string _database;

        private ServiceSetup(SeQuInApiFixture fixture, string database) => (_fixture, _database) = (fixture, database);

        public ServiceProcess Service { get; private set; } = null!;
        public string AdminToken { get; private set; } = "";
        public HttpClient Admin { get; private set; } = null!;
        public ServiceWorld World { get; private set; } = null!;

        public static async Task<ServiceSetup> StartAsync(SeQuInApiFixture fixture, int drainSeconds)
        {
            var setup = new ServiceSetup(fixture, SeQuInApiFixture.NewDatabaseName("sequin_shutdown"));
            try
            {
                await fixture.CreateMigratedDatabaseAsync(setup._database);
                setup.AdminToken = fixture.NationalAdminToken;
                setup.Service = await ServiceProcess.StartServingAsync(new Dictionary<string, string?>
                {
                    ["ConnectionStrings:SeQuIn"] = fixture.Postgres.ConnectionString(setup._database, TestPostgres.RuntimeRole),
                    ["SeQuIn:Shutdown:DrainSeconds"] = drainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["SeQuIn:Health:ReadinessCacheSeconds"] = "0",
                    // The tests stall a client on purpose; the write time-out must not end the export first.
                    ["SeQuIn:Exports:WriteTimeoutSeconds"] = "120",
                });
                setup.Admin = setup.Service.CreateClient(setup.AdminToken);
                setup.World = await ServiceWorld.CreateAsync(setup.Admin);
                return setup;
            }
            catch
            {
                await setup.DisposeAsync();
                throw;
            }
        }

        /// <summary>Ratings straight into the summaries, as the owner: a large export in a second, without submitting thousands of assessments.</summary>
        public async Task LoadRatingsAsync(int rows)
        {
            using var member = Service.CreateClient(World.MemberToken);
            var assessment = await ServiceWorld.CreateAssessmentAsync(member, World.Unit.Id);
            await using var connection = await OpenOwnerConnectionAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO standard_results (assessment_id, standard_code, unit_id, network_id, sector, security_level, area_code, month,
                                              framework_identifier, value, not_applicable, submitted_at)
                SELECT $1, 'S' || i, $2, $3, 'Nhs', 'Low', 'INV', date '2020-01-01', '2021.1', i % 4, false, now()
                FROM generate_series(1, $4) i
                """, connection)
            {
                Parameters = { new() { Value = assessment.Id }, new() { Value = World.Unit.Id }, new() { Value = World.Network.Id }, new() { Value = rows } },
            };
            Assert.Equal(rows, await insert.ExecuteNonQueryAsync());
        }

        public Task<NpgsqlConnection> OpenOwnerConnectionAsync() => OpenAsync(TestPostgres.OwnerRole);

        private async Task<NpgsqlConnection> OpenAsync(string? role)
        {
            var builder = new NpgsqlConnectionStringBuilder(_fixture.Postgres.ConnectionString(_database, role)) { Pooling = false };
            var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            return connection;
        }

        /// <summary>As the server's administrator: only it sees the queries of the service's sessions in pg_stat_activity.</summary>
        public async Task<T> ScalarAsync<T>(string sql)
        {
            await using var connection = await OpenAsync(role: null);
            await using var command = new NpgsqlCommand(sql, connection);
            return (T)(await command.ExecuteScalarAsync())!;
        }

        /// <summary>Polls pg_stat_activity of this database (other sessions than the poller's) until <paramref name="expected"/> sessions match.</summary>
        public async Task WaitUntilAsync(string what, string condition, int expected = 1)
        {
            var sql = $"SELECT count(*)::int FROM pg_stat_activity WHERE datname = '{_database}' AND pid <> pg_backend_pid() AND {condition}";
            var started = Stopwatch.StartNew();
            int count;
            while ((count = await ScalarAsync<int>(sql)) != expected && started.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }
            Assert.True(count == expected, $"Waited 30 s for {what}: {count} sessions, not {expected}. Service output:\n{Service.Output}");
        }

        public async ValueTask DisposeAsync()
        {
            Admin?.Dispose();
            if (Service is not null)
            {
                await Service.DisposeAsync();
            }
            SeQuInApiFixture.ClearPoolsOf(_fixture.Postgres.ConnectionString(_database, TestPostgres.RuntimeRole),
                _fixture.Postgres.ConnectionString(_database, TestPostgres.OwnerRole));
            await _fixture.Postgres.DropDatabaseAsync(_database);
        }
    }
}
