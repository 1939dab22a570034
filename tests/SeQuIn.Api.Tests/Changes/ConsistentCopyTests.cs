using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using nietras.SeparatedValues;
using Npgsql;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SeQuIn.Api.Tests.Changes;

/// <summary>
/// Issue #12's concurrency test: writers submit, return, reopen and resubmit across units while two integrators keep
/// copies of the network's submitted ratings: one follows the change feed and re-reads each assessment it names, the
/// other keeps a bulk copy in step with changedAfter and the feed's tombstones between export positions (ADR 0027).
/// When the writers stop, both copies must equal what the database holds, row for row.
/// </summary>
public sealed class ConsistentCopyTests(SeQuInApiFixture fixture, ITestOutputHelper output) : ApiTest(fixture)
{
    private const int Writers = 4;
    private const int AssessmentsPerWriter = 3;
    private static readonly TimeSpan WritingTime = TimeSpan.FromSeconds(6);

    /// <summary>One integrator's copy: assessment → standard → (value, not applicable).</summary>
    private sealed class Copy
    {
        public Dictionary<Guid, Dictionary<string, (int? Value, bool NotApplicable)>> Assessments { get; } = [];

        public void Replace(IEnumerable<RatingExportRow> rows)
        {
            foreach (var assessment in rows.GroupBy(r => r.AssessmentId))
            {
                Assessments[assessment.Key] = assessment.ToDictionary(r => r.Standard, r => (r.Value, r.NotApplicable));
            }
        }

        public SortedSet<string> Rows() =>
            new(Assessments.SelectMany(a => a.Value.Select(s => Row(a.Key, s.Key, s.Value.Value, s.Value.NotApplicable))), StringComparer.Ordinal);
    }

    private static string Row(Guid assessment, string standard, int? value, bool notApplicable) =>
        string.Create(CultureInfo.InvariantCulture, $"{assessment}|{standard}|{value}|{notApplicable}");

    [Fact]
    public async Task Writers_submitting_returning_reopening_and_resubmitting_leave_a_feed_follower_and_a_bulk_copy_kept_by_changedAfter_equal_to_the_database()
    {
        var world = await NetworkWorld.CreateAsync(Fixture.App, Client, Writers + 1);
        var writers = new List<Writer>();
        for (var w = 0; w < Writers; w++)
        {
            var driver = new AssessmentDriver(world.Members[w], world.Units[w].Id);
            var drafts = new List<AssessmentDetail>();
            for (var a = 0; a < AssessmentsPerWriter; a++)
            {
                drafts.Add(await driver.AgreeAsync(await driver.RateAllAsync(await driver.CreateAsync(), 2)));
            }
            writers.Add(new Writer(driver, world.Lead, world.Admin, drafts, new Random(w)));
        }
        // A history import is the long transaction of a network: it takes its transaction id when it begins and commits
        // while submissions that began later have committed and been read.
        var importer = new Importer(world.Admin, world.Units[Writers].Code);
        var follower = new FeedFollower(world.FollowerAnalyst, world.Units.ToDictionary(u => u.Id, u => u.Code), await EndOfFeedAsync(world.FollowerAnalyst));
        var copier = new BulkCopier(world.CopierAnalyst);

        // The writers stop after WritingTime, once both integrators have done a few rounds against them (a slow machine
        // does fewer in the same time), and in any case after three times as long.
        using var stop = new CancellationTokenSource(3 * WritingTime);
        var writing = writers.Select(w => Task.Run(() => w.RunAsync(stop.Token))).Append(Task.Run(() => importer.RunAsync(stop.Token))).ToList();
        var following = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await follower.RoundAsync();
                await Task.Delay(20);
            }
        });
        var copying = Task.Run(async () =>
        {
            await copier.BulkAsync(csv: true);
            while (!stop.IsCancellationRequested)
            {
                await copier.RoundAsync(csv: copier.Rounds % 2 == 1);
                await Task.Delay(20);
            }
        });
        var started = DateTime.UtcNow;
        while (!stop.IsCancellationRequested && (DateTime.UtcNow - started < WritingTime || copier.Rounds < 3 || follower.Rounds < 3 || importer.Imports < 2))
        {
            await Task.Delay(100);
        }
        await stop.CancelAsync();
        await Task.WhenAll(writing);
        await Task.WhenAll(following, copying);

        // Every writer's transaction has committed: wait until exports stand past all of them (nothing older still
        // running), then each integrator does one last round.
        var after = await CurrentTransactionAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await PositionOfAsync(world.CopierAnalyst)).Transaction <= after)
        {
            Assert.True(DateTime.UtcNow < deadline, "The export position did not pass the writers' last transaction.");
            await Task.Delay(50);
        }
        await follower.RoundAsync();
        await copier.RoundAsync(csv: false);

        var database = await DatabaseRowsAsync(world.Network.Id);
        output.WriteLine($"{writers.Sum(w => w.Submissions)} submissions, {writers.Sum(w => w.Withdrawals)} returns and reopenings, {importer.Imports} imports; the copier did " +
            $"{copier.Rounds} rounds and applied {copier.Tombstones} tombstones; the follower read {follower.Rounds} times; {database.Count} rows at the end.");
        Assert.True(writers.Sum(w => w.Submissions) >= 2 * Writers, $"Only {writers.Sum(w => w.Submissions)} submissions were made.");
        Assert.True(writers.Sum(w => w.Withdrawals) >= Writers, $"Only {writers.Sum(w => w.Withdrawals)} returns and reopenings were made.");
        Assert.True(importer.Imports >= 2, $"Only {importer.Imports} imports were made.");
        Assert.True(copier.Rounds >= 3 && copier.Tombstones > 0, $"The copier did {copier.Rounds} rounds and applied {copier.Tombstones} tombstones.");
        Assert.NotEmpty(database);
        Assert.Equal(database, follower.Copy.Rows());
        Assert.Equal(database, copier.Copy.Rows());
    }

    /// <summary>Drives one unit's assessments through submission, return or reopening, and resubmission with new ratings.</summary>
    private sealed class Writer(AssessmentDriver member, HttpClient lead, HttpClient admin, List<AssessmentDetail> assessments, Random random)
    {
        public int Submissions { get; private set; }
        public int Withdrawals { get; private set; }

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var index = random.Next(assessments.Count);
                var assessment = assessments[index];
                if (assessment.Status == AssessmentStatus.Submitted)
                {
                    var (reviewer, action) = random.Next(2) == 0 ? (lead, "return") : (admin, "reopen");
                    var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assessments/{assessment.Id}/{action}")
                    {
                        Content = JsonContent.Create(new CommentRequest("Which meetings do the minutes cover?"), options: Json.Options),
                        Headers = { { "If-Match", AssessmentDriver.ETagOf(assessment) } },
                    };
                    assessment = await AssessmentDriver.ReadAsync<AssessmentDetail>(await reviewer.SendAsync(request, CancellationToken.None));
                    Withdrawals++;
                }
                else
                {
                    var ratings = AssessmentDriver.InvolvementStandards.Select(code => new RatingInput(code, random.Next(5))).ToList();
                    assessment = await AssessmentDriver.ReadAsync<AssessmentDetail>(await member.SendAsync(HttpMethod.Put,
                        $"/api/v1/assessments/{assessment.Id}/ratings", new RatingsRequest(ratings), AssessmentDriver.ETagOf(assessment)));
                    assessment = await member.SubmitAsync(assessment);
                    Submissions++;
                }
                assessments[index] = assessment;
            }
        }
    }

    /// <summary>Imports half a year of a unit's history at a time (months it has not imported before), up to 40 times.</summary>
    private sealed class Importer(HttpClient admin, string unitCode)
    {
        private int _month;

        public int Imports { get; private set; }

        public async Task RunAsync(CancellationToken stop)
        {
            var random = new Random(99);
            while (!stop.IsCancellationRequested && Imports < 40)
            {
                var csv = new System.Text.StringBuilder("unitCode,areaCode,month,standardCode,value,agreedRating\n");
                for (var m = 0; m < 6; m++, _month++)
                {
                    var month = Months.Format(new DateOnly(2000, 1, 1).AddMonths(_month));
                    for (var s = 1; s <= 10; s++)
                    {
                        csv.Append(CultureInfo.InvariantCulture, $"{unitCode},INV,{month},INV-{s:00},{random.Next(5)},2\n");
                    }
                }
                await AssessmentDriver.ReadAsync<ImportReport>(await admin.PostAsync("/api/v1/assessments/import",
                    new StringContent(csv.ToString(), System.Text.Encoding.UTF8, "text/csv"), CancellationToken.None));
                Imports++;
            }
        }
    }

    /// <summary>Reader A: follows the feed and, for every assessment an entry names, reads that assessment's submitted ratings again.</summary>
    private sealed class FeedFollower(HttpClient analyst, Dictionary<Guid, string> unitCodes, string? start)
    {
        private string? _after = start;

        public int Rounds { get; private set; }

        public Copy Copy { get; } = new();

        public async Task RoundAsync()
        {
            var named = new Dictionary<Guid, ChangeEntry>();
            ChangePage page;
            do
            {
                page = await ReadAsync<ChangePage>(await analyst.GetAsync($"/api/v1/changes?limit=1000" + (_after is null ? "" : $"&after={_after}")));
                foreach (var entry in page.Items.Where(e => e.ResourceType == "assessment"))
                {
                    named[entry.ResourceId] = entry;
                }
                _after = page.Next;
            }
            while (page.HasMore);
            // The assessments as they are now, read as an analyst would ask: one pull per unit named.
            foreach (var unit in named.Values.GroupBy(e => e.UnitId!.Value))
            {
                var (rows, _) = await ExportAsync(analyst, $"unitCode={unitCodes[unit.Key]}&areaCode=INV", limit: 1000);
                foreach (var entry in unit)
                {
                    Copy.Assessments.Remove(entry.ResourceId);
                    Copy.Replace(rows.Where(r => r.AssessmentId == entry.ResourceId));
                }
            }
            Rounds++;
        }
    }

    /// <summary>Reader B: a bulk copy, then rounds of changedAfter, the feed's tombstones up to the new position, and replacement.</summary>
    private sealed class BulkCopier(HttpClient analyst)
    {
        private string _position = "";

        public Copy Copy { get; } = new();
        public int Rounds { get; private set; }
        public int Tombstones { get; private set; }

        public async Task BulkAsync(bool csv)
        {
            var (rows, position) = csv ? await CsvAsync(analyst, "") : await ExportAsync(analyst, "");
            Copy.Replace(rows);
            _position = position;
        }

        public async Task RoundAsync(bool csv)
        {
            var filter = $"changedAfter={_position}";
            var (rows, position) = csv ? await CsvAsync(analyst, filter) : await ExportAsync(analyst, filter);
            string? after = _position;
            ChangePage page;
            do
            {
                page = await ReadAsync<ChangePage>(await analyst.GetAsync($"/api/v1/changes?limit=1000&after={after}&until={position}"));
                foreach (var tombstone in page.Items.Where(e => e.Kind is ChangeKinds.AssessmentReturned or ChangeKinds.AssessmentReopened))
                {
                    Copy.Assessments.Remove(tombstone.ResourceId);
                    Tombstones++;
                }
                after = page.Next;
            }
            while (page.HasMore);
            Copy.Replace(rows);
            _position = position;
            Rounds++;
        }
    }

    /// <summary>Every page of a JSON pull, and the position it states (the same on every page).</summary>
    private static async Task<(List<RatingExportRow> Rows, string Position)> ExportAsync(HttpClient client, string filters, int limit = 7)
    {
        var rows = new List<RatingExportRow>();
        string? cursor = null;
        string? position = null;
        do
        {
            using var response = await client.GetAsync($"/api/v1/exports/ratings?limit={limit}&{filters}" + (cursor is null ? "" : $"&cursor={cursor}"));
            var page = await ReadAsync<Page<RatingExportRow>>(response);
            var stated = response.Headers.GetValues(ChangesApi.PositionHeader).Single();
            Assert.Equal(position ?? stated, stated);
            position = stated;
            rows.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return (rows, position!);
    }

    private static async Task<(List<RatingExportRow> Rows, string Position)> CsvAsync(HttpClient client, string filters)
    {
        using var response = await client.GetAsync($"/api/v1/exports/ratings.csv?{filters}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var rows = new List<RatingExportRow>();
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromText(text);
        foreach (var row in reader)
        {
            rows.Add(new RatingExportRow("", null, "", "", row["unit"].ToString(), "", row["month"].ToString(), "", row["area"].ToString(), row["standard"].ToString(),
                row["value"].ToString() is { Length: > 0 } v ? int.Parse(v, CultureInfo.InvariantCulture) : null, bool.Parse(row["notApplicable"].ToString()),
                default, Guid.Parse(row["assessmentId"].ToString())));
        }
        return (rows, response.Headers.GetValues(ChangesApi.PositionHeader).Single());
    }

    private static async Task<(ulong Transaction, long Position)> PositionOfAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/v1/exports/ratings?limit=1&areaCode=NONE");
        response.EnsureSuccessStatusCode();
        Assert.True(ChangesApi.TryDecode(response.Headers.GetValues(ChangesApi.PositionHeader).Single(), out var position));
        return position;
    }

    /// <summary>A transaction id taken after every writer has finished: each of their transactions is below it.</summary>
    private async Task<ulong> CurrentTransactionAsync()
    {
        await using var connection = new NpgsqlConnection(Fixture.App.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_current_xact_id()::text", connection);
        return ulong.Parse((string)(await command.ExecuteScalarAsync())!, CultureInfo.InvariantCulture);
    }

    private async Task<SortedSet<string>> DatabaseRowsAsync(Guid network)
    {
        await using var connection = new NpgsqlConnection(Fixture.App.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT assessment_id, standard_code, value, not_applicable FROM standard_results WHERE network_id = $1", connection)
        {
            Parameters = { new NpgsqlParameter<Guid> { TypedValue = network } },
        };
        var rows = new SortedSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(Row(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetBoolean(3)));
        }
        return rows;
    }

    private async Task<string?> EndOfFeedAsync(HttpClient reader)
    {
        string? after = null;
        while (true)
        {
            var page = await ReadAsync<ChangePage>(await reader.GetAsync("/api/v1/changes?limit=1000" + (after is null ? "" : $"&after={after}")));
            after = page.Next;
            if (!page.HasMore)
            {
                return after;
            }
        }
    }

    /// <summary>A fresh network with a unit and a member key per writer, a lead, an administrator and two analysts.</summary>
    private sealed record NetworkWorld(NetworkResponse Network, List<UnitResponse> Units, List<HttpClient> Members, HttpClient Lead, HttpClient Admin,
        HttpClient FollowerAnalyst, HttpClient CopierAnalyst)
    {
        public static async Task<NetworkWorld> CreateAsync(SeQuInApp app, HttpClient national, int units)
        {
            async Task<T> Post<T>(string url, object body) =>
                await AssessmentDriver.ReadAsync<T>(await national.PostAsync(url, JsonContent.Create(body, body.GetType(), options: Json.Options)));
            async Task<HttpClient> Key(Role role, ScopeInput scope) =>
                app.CreateClient((await Post<CreatedApiKeyResponse>("/api/v1/keys", new CreateApiKeyRequest("Test", role, scope))).Token);
            var network = await Post<NetworkResponse>("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network"));
            var provider = await Post<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "Provider", ProviderSector.Nhs));
            var created = new List<UnitResponse>();
            var members = new List<HttpClient>();
            for (var i = 0; i < units; i++)
            {
                var unit = await Post<UnitResponse>("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), $"Unit {i}", SecurityLevel.Low, provider.Id, network.Id));
                created.Add(unit);
                members.Add(await Key(Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [unit.Id])));
            }
            var inNetwork = new ScopeInput(ScopeKind.Network, network.Id);
            return new NetworkWorld(network, created, members, await Key(Role.InvolvementLead, inNetwork), await Key(Role.NetworkAdmin, inNetwork),
                await Key(Role.Analyst, inNetwork), await Key(Role.Analyst, inNetwork));
        }
    }
}
