using System.Net;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Changes;

public sealed class ChangeFeedTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_submission_a_return_and_a_resubmission_each_appear_once_in_order_and_the_return_names_the_figures_withdrawn()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var (submitted, _) = await world.Member.CreateSubmittedAsync();
        var returned = await ReadAsync<AssessmentDetail>(await world.Lead.SendAsync(Post($"/api/v1/assessments/{submitted.Id}/return",
            new CommentRequest("Which meetings do the minutes cover?"), submitted)));
        var resubmitted = await world.Member.SubmitAsync(returned);

        var entries = await FollowAsync(world.Analyst, e => e.ResourceId == submitted.Id, count: 3);

        Assert.Equal([ChangeKinds.AssessmentSubmitted, ChangeKinds.AssessmentReturned, ChangeKinds.AssessmentResubmitted], entries.Select(e => e.Kind));
        Assert.Equal([submitted.Revision, returned.Revision, resubmitted.Revision], entries.Select(e => e.Revision));
        Assert.All(entries, e => Assert.Equal($"/api/v1/assessments/{submitted.Id}", e.Link));
        var withdrawn = entries[1].Data!.Value.GetProperty("withdrawn");
        Assert.Equal(("INV", 3m, 3), (withdrawn.GetProperty("areaCode").GetString(), withdrawn.GetProperty("mean").GetDecimal(), withdrawn.GetProperty("agreedRating").GetInt32()));
    }

    [Fact]
    public async Task An_import_writes_one_entry_per_assessment_it_creates()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var csv = new StringBuilder("unitCode,areaCode,month,standardCode,value,agreedRating\n");
        foreach (var month in new[] { "2023-01", "2023-02", "2023-03" })
        {
            for (var s = 1; s <= 10; s++)
            {
                csv.Append($"{world.Unit.Code},INV,{month},INV-{s:00},2,2\n");
            }
        }
        var report = await ReadAsync<ImportReport>(await world.Admin.PostAsync("/api/v1/assessments/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv")));

        var entries = await FollowAsync(world.Analyst, e => e.UnitId == world.Unit.Id && e.Kind == ChangeKinds.AssessmentImported, count: 3);

        Assert.Equal(report.AssessmentIds, entries.Select(e => e.ResourceId));
        Assert.All(entries, e => Assert.Equal($"/api/v1/assessments/{e.ResourceId}", e.Link));
    }

    [Fact]
    public async Task An_entry_that_commits_after_a_later_one_is_still_read_by_a_reader_that_followed_the_cursor()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var start = await EndOfFeedAsync(world.Analyst);
        var (first, _) = await world.Member.CreateSubmittedAsync();
        await FollowAsync(world.Analyst, e => e.ResourceId == first.Id, count: 1, from: start);

        // A slow change: its transaction writes an entry (for a unit of the same network) and stays open.
        await using var slow = new NpgsqlConnection(Fixture.App.OwnerConnectionString);
        await slow.OpenAsync();
        var transaction = await slow.BeginTransactionAsync();
        var slowId = Guid.NewGuid();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO change_events (occurred_at, kind, resource_type, resource_id, revision, unit_id, network_id, link) VALUES (now(), 'assessment.submitted', 'assessment', $1, 1, $2, $3, '/api/v1/assessments/' || $1)",
            slow, transaction) { Parameters = { new NpgsqlParameter<Guid> { TypedValue = slowId }, new NpgsqlParameter<Guid> { TypedValue = world.OtherUnit.Id },
                new NpgsqlParameter<Guid> { TypedValue = world.Network.Id } } })
        {
            await insert.ExecuteNonQueryAsync();
        }
        // A fast change that begins later and commits first.
        var (fast, _) = await world.Member.CreateSubmittedAsync();
        var whileOpen = await ReadPageAsync(world.Analyst, start);

        Assert.DoesNotContain(whileOpen.Items, e => e.ResourceId == fast.Id);
        await transaction.CommitAsync();
        var after = await FollowAsync(world.Analyst, e => e.ResourceId == fast.Id || e.ResourceId == slowId || e.ResourceId == first.Id, count: 3, from: start);
        Assert.Equal([first.Id, slowId, fast.Id], after.Select(e => e.ResourceId));
    }

    [Fact]
    public async Task A_reader_sees_only_the_changes_of_units_whose_results_it_may_see()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var elsewhere = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var (mine, _) = await world.Member.CreateSubmittedAsync();
        var (theirs, _) = await elsewhere.Member.CreateSubmittedAsync();

        var seen = await FollowAsync(world.Analyst, e => e.ResourceId == mine.Id || e.ResourceId == theirs.Id, count: 1);
        await FollowAsync(elsewhere.Analyst, e => e.ResourceId == theirs.Id, count: 1);

        Assert.Equal([mine.Id], seen.Select(e => e.ResourceId));
        Assert.DoesNotContain(seen, e => e.NetworkId == elsewhere.Network.Id);
    }

    [Fact]
    public async Task A_unit_created_deactivated_and_a_network_publishing_its_summaries_appear_for_the_networks_readers()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var start = await EndOfFeedAsync(world.Analyst);
        var unit = await ReadAsync<UnitResponse>(await Client.PostAsJsonAsync("/api/v1/units",
            new CreateUnitRequest($"U-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}", "New ward", SecurityLevel.Low,
                world.Unit.Provider.Id, world.Network.Id), JsonOptions));
        var deactivated = await Client.ChangeCurrentAsync(HttpMethod.Post, $"/api/v1/units/{unit.Id}/deactivate", null, $"/api/v1/units/{unit.Id}");
        await ReadAsync<NetworkResponse>(await Client.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/networks/{world.Network.Id}",
            new UpdateNetworkRequest(world.Network.Name, true, world.Network.Region, world.Network.AllowRanks, PublishSummaries: true)));

        var entries = await FollowAsync(world.Analyst, e => e.ResourceId == unit.Id || e.ResourceId == world.Network.Id, count: 3, from: start);

        Assert.Equal([ChangeKinds.UnitCreated, ChangeKinds.UnitDeactivated, ChangeKinds.NetworkChanged], entries.Select(e => e.Kind));
        deactivated.EnsureSuccessStatusCode();
        Assert.True(entries[1].Revision > entries[0].Revision);
        Assert.Equal($"/api/v1/networks/{world.Network.Id}", entries[2].Link);
        Assert.True(entries[2].Data!.Value.GetProperty("publishSummaries").GetBoolean());
    }

    [Theory]
    [InlineData("after=nonsense", "after")]
    [InlineData("after=AAAA", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("until=nonsense", "until")]
    public async Task A_bad_position_or_limit_is_refused_naming_it(string query, string field)
    {
        Assert.NotEmpty(await ReadFieldErrorAsync(await Client.GetAsync($"/api/v1/changes?{query}"), field));
    }

    [Fact]
    public async Task Until_ends_the_feed_at_a_position_so_that_the_changes_between_two_exports_can_be_replayed()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var start = await EndOfFeedAsync(world.Analyst);
        var (first, _) = await world.Member.CreateSubmittedAsync();
        await FollowAsync(world.Analyst, e => e.ResourceId == first.Id, count: 1, from: start);
        var between = await PositionOfExportAsync(world.Analyst);
        var (second, _) = await world.Member.CreateSubmittedAsync();
        await FollowAsync(world.Analyst, e => e.ResourceId == second.Id, count: 1, from: start);

        var upTo = await ReadAsync<ChangePage>(await world.Analyst.GetAsync($"/api/v1/changes?after={start}&until={between}"));
        var fromThere = await ReadAsync<ChangePage>(await world.Analyst.GetAsync($"/api/v1/changes?after={between}"));

        Assert.Equal([first.Id], upTo.Items.Where(e => e.ResourceType == "assessment").Select(e => e.ResourceId));
        Assert.False(upTo.HasMore);
        Assert.Equal([second.Id], fromThere.Items.Where(e => e.ResourceType == "assessment").Select(e => e.ResourceId));
        Assert.Empty((await ReadAsync<ChangePage>(await world.Analyst.GetAsync($"/api/v1/changes?after={between}&until={between}"))).Items);
    }

    private async Task<string> PositionOfExportAsync(HttpClient reader)
    {
        using var response = await reader.GetAsync("/api/v1/exports/ratings?limit=1");
        await ReadAsync<Api.Common.Page<Api.Benchmarks.RatingExportRow>>(response);
        return response.Headers.GetValues(ChangesApi.PositionHeader).Single();
    }

    private static HttpRequestMessage Post(string url, object body, AssessmentDetail assessment) =>
        new(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: Api.Common.Json.Options), Headers = { { "If-Match", AssessmentDriver.ETagOf(assessment) } } };

    private async Task<ChangePage> ReadPageAsync(HttpClient reader, string? after, int limit = 1000) =>
        await ReadAsync<ChangePage>(await reader.GetAsync($"/api/v1/changes?limit={limit}" + (after is null ? "" : $"&after={after}")));

    private async Task<string?> EndOfFeedAsync(HttpClient reader)
    {
        string? after = null;
        while (true)
        {
            var page = await ReadPageAsync(reader, after);
            after = page.Next;
            if (!page.HasMore)
            {
                return after;
            }
        }
    }

    /// <summary>
    /// Follows the feed from <paramref name="from"/> until <paramref name="count"/> matching entries have been read, as an
    /// integrator would: an entry appears once every transaction older than it has finished, which other tests may delay.
    /// </summary>
    private async Task<List<ChangeEntry>> FollowAsync(HttpClient reader, Func<ChangeEntry, bool> match, int count, string? from = null)
    {
        var found = new List<ChangeEntry>();
        var after = from;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (found.Count < count)
        {
            var page = await ReadPageAsync(reader, after);
            found.AddRange(page.Items.Where(match));
            after = page.Next;
            if (!page.HasMore && found.Count < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Only {found.Count} of {count} entries appeared in the feed.");
                await Task.Delay(100);
            }
        }
        return found;
    }
}
