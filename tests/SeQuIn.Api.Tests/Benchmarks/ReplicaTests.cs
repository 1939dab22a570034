using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Replica;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Benchmarks;

/// <summary>
/// Benchmark, insight and export reads against a real streaming replica (pg_basebackup of a cluster of the class's
/// own), made to lag deterministically by pausing its replay. Every test starts with the replica caught up and
/// replaying, and leaves it so.
/// </summary>
public sealed class ReplicaTests(ReplicaTests.ReplicatedDatabase database) : IClassFixture<ReplicaTests.ReplicatedDatabase>
{
    private const string Month = "2026-03";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Benchmark_insight_and_export_reads_are_answered_by_the_replica_which_has_not_yet_replayed_a_change_on_the_primary()
    {
        var world = await WorldAsync(database.Patient);
        await ImportAsync(world.Admin, world.Units[0], 2);
        await database.CaughtUpAsync();
        // An instance counts the replica's lag from when it last saw it caught up: it must have seen that before replay stops.
        await FromReplicaAsync(world.Analyst, BenchmarkUrl(world.Units[0]));
        await using (await database.PausedReplayAsync())
        {
            // Another caller's change: on the primary only.
            var change = await ImportAsync(database.National(database.Patient), world.Units[1], 4);
            Assert.True(change.Headers.Contains(WritePositions.Header), "A change answered without its write position.");
            Assert.Equal(10L, await database.CountOnPrimaryAsync(world.Units[1].Id));
            Assert.Equal(0L, await database.CountOnReplicaAsync(world.Units[1].Id));

            // A read decided before the probe has seen the replica may go to the primary: the replica's answers are the point here.
            var benchmark = await FromReplicaAsync(world.Analyst, BenchmarkUrl(world.Units[0]));
            Assert.Equal(1, Inv(Parse(benchmark))!["group"]!["units"]!.GetValue<int>());

            var participation = await FromReplicaAsync(world.Analyst, $"/api/v1/networks/{world.NetworkId}/insight/participation?month={Month}");
            Assert.Equal(1, Parse(participation)["submissions"]!.GetValue<int>());

            var csv = await FromReplicaAsync(world.Analyst, $"/api/v1/exports/ratings.csv?from={Month}&to={Month}&unitCode={world.Units[1].Code}");
            Assert.Single(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // the header row alone

            var page = await FromReplicaAsync(world.Analyst, $"/api/v1/exports/ratings?from={Month}&to={Month}&unitCode={world.Units[1].Code}");
            Assert.Empty(Parse(page)["items"]!.AsArray());

            // The replica states its own position (a hot standby has snapshots too); a pull from a position it has not
            // reached, the change feed's next after the change, is answered by the primary, with the change.
            var replicaPosition = await EventuallyAsync(() => PositionAsync(world.Analyst, $"/api/v1/exports/ratings.csv?unitCode={world.Units[1].Code}"),
                r => r.Source == "replica", "export position from the replica");
            var next = await EventuallyAsync(async () => Parse(await world.Analyst.GetStringAsync("/api/v1/changes?limit=1000")),
                feed => feed["items"]!.AsArray().Any(e => e!["unitId"]?.GetValue<Guid>() == world.Units[1].Id), "feed entry of the change");
            var afterFeed = await PositionAsync(world.Analyst, $"/api/v1/exports/ratings?unitCode={world.Units[1].Code}&changedAfter={next["next"]}");
            Assert.Equal("primary", afterFeed.Source);
            Assert.True(Api.Changes.ChangesApi.TryDecode(replicaPosition.Position, out var atReplica));
            Assert.True(Api.Changes.ChangesApi.TryDecode(afterFeed.Position, out var atPrimary));
            Assert.True(atPrimary.Transaction > atReplica.Transaction);
        }

        var replayed = await EventuallyAsync(() => GetAsync(world.Analyst, BenchmarkUrl(world.Units[0])),
            r => r.Source == "replica" && Inv(r.Body)!["group"]!["units"]!.GetValue<int>() == 2, "the replica's read of the replayed change");
        Assert.Equal(2, Inv(replayed.Body)!["group"]!["units"]!.GetValue<int>());
    }

    [Fact]
    public async Task With_replay_paused_beyond_the_lag_bound_reads_are_answered_by_the_primary_with_the_newest_data_until_the_replica_catches_up()
    {
        var world = await WorldAsync(database.Bounded);
        await ImportAsync(world.Admin, world.Units[0], 2);
        await database.CaughtUpAsync();
        await EventuallyAsync(() => GetAsync(world.Analyst, BenchmarkUrl(world.Units[0])), r => r.Source == "replica", "a read from the caught-up replica");
        await using (await database.PausedReplayAsync())
        {
            await ImportAsync(database.National(database.Bounded), world.Units[1], 4);

            // The bound is 1 s: once the replica is further behind than that, the primary answers.
            var fallback = await EventuallyAsync(() => GetAsync(world.Analyst, BenchmarkUrl(world.Units[0])), r => r.Source == "primary",
                "a read from the primary while the replica lags");
            Assert.Equal(2, Inv(fallback.Body)!["group"]!["units"]!.GetValue<int>());
            Assert.Equal(0L, await database.CountOnReplicaAsync(world.Units[1].Id));
            var insight = await GetAsync(world.Analyst, $"/api/v1/networks/{world.NetworkId}/insight/participation?month={Month}");
            Assert.Equal(("primary", 2), (insight.Source, insight.Body["submissions"]!.GetValue<int>()));
        }

        var back = await EventuallyAsync(() => GetAsync(world.Analyst, BenchmarkUrl(world.Units[0])), r => r.Source == "replica",
            "a read from the replica once it has caught up");
        Assert.Equal(2, Inv(back.Body)!["group"]!["units"]!.GetValue<int>());
    }

    [Fact]
    public async Task With_the_replica_stopped_reads_are_answered_by_the_primary_at_once_and_by_the_replica_again_when_it_is_back()
    {
        var world = await WorldAsync(database.Bounded);
        await ImportAsync(world.Admin, world.Units[0], 2);
        await database.CaughtUpAsync();
        await EventuallyAsync(() => GetAsync(world.Analyst, BenchmarkUrl(world.Units[0])), r => r.Source == "replica", "a read from the replica");

        await database.Replica.StopAsync();
        try
        {
            string[] urls =
            [
                BenchmarkUrl(world.Units[0]), BenchmarkUrl(world.Units[0]),
                $"/api/v1/networks/{world.NetworkId}/insight/participation?month={Month}",
                $"/api/v1/exports/ratings.csv?from={Month}&to={Month}",
                $"/api/v1/exports/ratings?from={Month}&to={Month}",
            ];
            foreach (var url in urls)
            {
                var clock = Stopwatch.StartNew();
                var response = await world.Analyst.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode} with the replica down: {body}");
                Assert.Equal("primary", Source(response));
                // Generous: what it rules out is waiting for a connect time-out on every read.
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{url} took {clock.Elapsed} with the replica down.");
            }
        }
        finally
        {
            await database.Replica.StartAsync();
        }

        await database.CaughtUpAsync();
        await EventuallyAsync(() => GetAsync(world.Analyst, BenchmarkUrl(world.Units[0])), r => r.Source == "replica", "a read from the restarted replica");
    }

    [Fact]
    public async Task A_caller_reads_its_own_submission_at_once_from_the_primary_while_others_may_read_the_replica_that_has_not_replayed_it()
    {
        var world = await WorldAsync(database.Patient);
        var member = new AssessmentDriver(world.Member, world.Units[0].Id);
        var assessment = await member.AgreeAsync(await member.RateAllAsync(await member.CreateAsync(month: Month), value: 3), value: 3);
        await database.CaughtUpAsync();
        await EventuallyAsync(() => GetAsync(world.Member, BenchmarkUrl(world.Units[0])), r => r.Source == "replica", "the member's read from the replica");
        var twin = database.PatientTwin.CreateClient(world.AnalystToken);
        var memberOnTwin = database.PatientTwin.CreateClient(world.MemberToken);
        await FromReplicaAsync(twin, BenchmarkUrl(world.Units[0]));

        await using (await database.PausedReplayAsync())
        {
            var submitted = await member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{assessment.Id}/submit", null, AssessmentDriver.ETagOf(assessment));
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
            var position = Assert.Single(submitted.Headers.GetValues(WritePositions.Header));
            Assert.True((bool)(await database.Replica.ScalarAsync($"SELECT pg_last_wal_replay_lsn() < '{position}'::pg_lsn"))!,
                "The replica has replayed the submission: the test proves nothing.");

            // The same caller, right after, on the same instance: its own submission, from the primary.
            var own = await GetAsync(world.Member, BenchmarkUrl(world.Units[0]));
            Assert.Equal(("primary", 3m), (own.Source, Inv(own.Body)!["score"]!.GetValue<decimal>()));

            // Another caller, within the bound: the replica, which has not replayed it yet (the documented contract).
            var other = await FromReplicaAsync(world.Analyst, BenchmarkUrl(world.Units[0]));
            Assert.Null(Inv(Parse(other))!["score"]);

            // Another instance knows nothing of the caller's write, unless the client sends its position back.
            var elsewhere = await FromReplicaAsync(memberOnTwin, BenchmarkUrl(world.Units[0]));
            Assert.Null(Inv(Parse(elsewhere))!["score"]);
            var afterIt = await GetAsync(twin, BenchmarkUrl(world.Units[0]), readAfter: position);
            Assert.Equal(("primary", 3m), (afterIt.Source, Inv(afterIt.Body)!["score"]!.GetValue<decimal>()));
        }

        var replayed = await EventuallyAsync(() => GetAsync(world.Member, BenchmarkUrl(world.Units[0])), r => r.Source == "replica",
            "the member's read from the replica once it has replayed the submission");
        Assert.Equal(3m, Inv(replayed.Body)!["score"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_read_after_header_that_is_not_a_write_position_is_refused_with_a_problem_naming_it()
    {
        var world = await WorldAsync(database.Patient);
        var request = new HttpRequestMessage(HttpMethod.Get, BenchmarkUrl(world.Units[0]));
        request.Headers.TryAddWithoutValidation(ReplicaReads.ReadAfterHeader, "yesterday");

        var response = await world.Analyst.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]![ReplicaReads.ReadAfterHeader]);
    }

    // ---- Helpers ----------------------------------------------------------------------------------------------------

    private sealed record World(Guid NetworkId, UnitResponse[] Units, HttpClient Admin, HttpClient Analyst, string AnalystToken, HttpClient Member,
        string MemberToken);

    /// <summary>A network of two units with a network-admin, an analyst and a member of the first unit, under unique codes.</summary>
    private async Task<World> WorldAsync(SeQuInApp app)
    {
        var national = database.National(app);
        async Task<T> Post<T>(string url, object body) => await AssessmentDriver.ReadAsync<T>(await national.PostAsync(url, JsonContent.Create(body, body.GetType(), options: Json.Options)));
        var network = await Post<NetworkResponse>("/api/v1/networks", new CreateNetworkRequest(Code("N"), "Replicated network"));
        var provider = await Post<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(Code("P"), "Provider", ProviderSector.Nhs));
        var units = new[]
        {
            await Post<UnitResponse>("/api/v1/units", new CreateUnitRequest(Code("U"), "First", SecurityLevel.Low, provider.Id, network.Id)),
            await Post<UnitResponse>("/api/v1/units", new CreateUnitRequest(Code("U"), "Second", SecurityLevel.Low, provider.Id, network.Id)),
        };
        async Task<string> Key(Role role, ScopeInput scope) =>
            (await Post<CreatedApiKeyResponse>("/api/v1/keys", new CreateApiKeyRequest("Replica test", role, scope))).Token;
        var admin = await Key(Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, network.Id));
        var analyst = await Key(Role.Analyst, new ScopeInput(ScopeKind.Network, network.Id));
        var member = await Key(Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [units[0].Id]));
        return new World(network.Id, units, app.CreateClient(admin), app.CreateClient(analyst), analyst, app.CreateClient(member), member);
    }

    private static async Task<HttpResponseMessage> ImportAsync(HttpClient client, UnitResponse unit, int value)
    {
        var rows = Enumerable.Range(1, 10).Select(i => new ImportRow(unit.Code, "INV", Month, $"INV-{i:00}", value)).ToList();
        var response = await client.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows), Json.Options);
        Assert.True(response.IsSuccessStatusCode, $"The import answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    private static string BenchmarkUrl(UnitResponse unit) => $"/api/v1/benchmarks/units/{unit.Id}?month={Month}&group=network";

    private static JsonNode? Inv(JsonNode benchmark) => benchmark["areas"]!.AsArray().Single(a => a!["code"]!.GetValue<string>() == "INV");

    private static string Source(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ReplicaReads.ReadSourceHeader, out var values) ? values.Single() : "(no header)";

    /// <summary>The body of the first answer to come from the replica.</summary>
    private static async Task<string> FromReplicaAsync(HttpClient client, string url) =>
        (await EventuallyAsync(() => GetTextAsync(client, url), r => r.Source == "replica", $"answer from the replica to {url}")).Body;

    private static JsonNode Parse(string body) => JsonNode.Parse(body)!;

    private static async Task<(string Source, JsonNode Body)> GetAsync(HttpClient client, string url, string? readAfter = null)
    {
        var (source, body) = await GetTextAsync(client, url, readAfter);
        return (source, Parse(body));
    }

    private static async Task<(string Source, string Body)> GetTextAsync(HttpClient client, string url, string? readAfter = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (readAfter is not null)
        {
            request.Headers.Add(ReplicaReads.ReadAfterHeader, readAfter);
        }
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode}: {body}");
        return (Source(response), body);
    }

    /// <summary>Which server answered an export, and the change-feed position it stated.</summary>
    private static async Task<(string Source, string Position)> PositionAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode}: {body}");
        return (Source(response), response.Headers.GetValues(Api.Changes.ChangesApi.PositionHeader).Single());
    }

    /// <summary>Repeats <paramref name="attempt"/> until <paramref name="done"/>, failing with the last result after <see cref="Deadline"/>.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> attempt, Func<T, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await attempt();
            if (done(result))
            {
                return result;
            }
            if (clock.Elapsed > Deadline)
            {
                Assert.Fail($"No {what} within {Deadline.TotalSeconds:0} s; the last answer: {result}");
            }
            await Task.Delay(100);
        }
    }

    private static string Code(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";

    /// <summary>
    /// A cluster of the class's own, migrated as a deployment is, with a streaming replica made after the schema and
    /// roles exist; and three instances of the service reading from it: two with a generous lag bound (two instances
    /// of one deployment) and one with a bound of 1 s.
    /// </summary>
    public sealed class ReplicatedDatabase : IAsyncLifetime
    {
        private const string DatabaseName = "sequin_replica";
        private TestPostgres? _server;
        private PostgresCluster? _replica;
        private string _nationalToken = "";

        public PostgresCluster Replica => _replica ?? throw new InvalidOperationException("Not started.");

        /// <summary>Reads from the replica for as long as 10 minutes behind: lag never decides in its tests.</summary>
        public SeQuInApp Patient { get; private set; } = null!;

        /// <summary>A second instance like <see cref="Patient"/>, on the same databases.</summary>
        public SeQuInApp PatientTwin { get; private set; } = null!;

        /// <summary>Falls back to the primary once the replica is more than 1 s behind.</summary>
        public SeQuInApp Bounded { get; private set; } = null!;

        private TestPostgres Server => _server ?? throw new InvalidOperationException("Not started.");

        public async Task InitializeAsync()
        {
            _server = await TestPostgres.StartOwnClusterAsync();
            _nationalToken = await SeQuInApiFixture.PrepareDatabaseAsync(_server, DatabaseName);
            _replica = await _server.Cluster!.StartStreamingReplicaAsync();
            var replicaRuntime = new NpgsqlConnectionStringBuilder(_server.ConnectionString(DatabaseName, TestPostgres.RuntimeRole))
            {
                Host = "127.0.0.1",
                Port = _replica.Port,
            }.ConnectionString;
            SeQuInApp Host(double maxLagSeconds) => new(_server.ConnectionString(DatabaseName, TestPostgres.RuntimeRole),
                new Dictionary<string, string?>
                {
                    [$"ConnectionStrings:{ReplicaOptions.ConnectionName}"] = replicaRuntime,
                    [ReplicaOptions.MaxLagKey] = maxLagSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
                _server.ConnectionString(DatabaseName, TestPostgres.OwnerRole));
            Patient = Host(600);
            PatientTwin = Host(600);
            Bounded = Host(1);
        }

        public HttpClient National(SeQuInApp app) => app.CreateClient(_nationalToken);

        /// <summary>Pauses the replica's replay (it keeps receiving WAL) until the result is disposed.</summary>
        public async Task<IAsyncDisposable> PausedReplayAsync()
        {
            await Replica.ScalarAsync("SELECT pg_wal_replay_pause()");
            var clock = Stopwatch.StartNew();
            while (await Replica.ScalarAsync("SELECT pg_get_wal_replay_pause_state()") as string != "paused")
            {
                Assert.True(clock.Elapsed < Deadline, "The replica's replay did not pause.");
                await Task.Delay(50);
            }
            return new Resume(Replica);
        }

        private sealed class Resume(PostgresCluster replica) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync() => await replica.ScalarAsync("SELECT pg_wal_replay_resume()");
        }

        /// <summary>Waits until the replica has replayed everything the primary has written so far.</summary>
        public async Task CaughtUpAsync()
        {
            var target = ReplicaLag.RecordEnd((ulong)(NpgsqlLogSequenceNumber)(await _server!.Cluster!.ScalarAsync("SELECT pg_current_wal_insert_lsn()"))!);
            var clock = Stopwatch.StartNew();
            while ((ulong)(NpgsqlLogSequenceNumber)(await Replica.ScalarAsync("SELECT pg_last_wal_replay_lsn()"))! < target)
            {
                Assert.True(clock.Elapsed < Deadline, "The replica did not catch up.");
                await Task.Delay(50);
            }
        }

        public async Task<long> CountOnPrimaryAsync(Guid unitId) =>
            (long)(await Server.Cluster!.ScalarAsync($"SELECT count(*) FROM standard_results WHERE unit_id = '{unitId}'", DatabaseName))!;

        public async Task<long> CountOnReplicaAsync(Guid unitId) =>
            (long)(await Replica.ScalarAsync($"SELECT count(*) FROM standard_results WHERE unit_id = '{unitId}'", DatabaseName))!;

        public async Task DisposeAsync()
        {
            foreach (var app in new[] { Patient, PatientTwin, Bounded }.Where(a => a is not null))
            {
                await app.DisposeAsync();
            }
            if (_replica is not null)
            {
                await _replica.DisposeAsync();
            }
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
