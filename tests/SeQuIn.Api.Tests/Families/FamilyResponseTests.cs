using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Common;
using SeQuIn.Api.Families;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Families;

/// <summary>Families and carers read a unit's published page and respond to it through its share code (ADR 0029).</summary>
public sealed class FamilyResponseTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_unit_page_is_published_only_while_both_the_network_and_the_unit_publish()
    {
        var family = await FamilyWorld.CreateAsync(Fixture.App, Client, publish: false);
        Assert.False((await ReadAsync<NetworkResponse>(await family.World.Admin.GetAsync($"/api/v1/networks/{family.World.Network.Id}"))).PublishToFamilies);
        Assert.False((await ReadAsync<UnitResponse>(await family.World.Admin.GetAsync($"/api/v1/units/{family.UnitId}"))).PublishToFamilies);
        var unpublished = await ReadProblemAsync(await family.PageAsync(), HttpStatusCode.NotFound);

        await family.PublishNetworkAsync(true);
        var networkOnly = await ReadProblemAsync(await family.PageAsync(), HttpStatusCode.NotFound);
        Assert.Equal(unpublished["detail"]!.ToString(), networkOnly["detail"]!.ToString());

        await family.PublishUnitAsync(true);
        var page = await ReadAsync<PublicUnitPage>(await family.PageAsync(family.ShareCode.Replace("-", " ").ToLowerInvariant()));
        Assert.Equal(family.World.Unit.Code, page.UnitCode);
        var month = Assert.Single(page.Months);
        Assert.Equal(family.SubmittedMonth, month.Month);
        var area = Assert.Single(month.Areas);
        Assert.Equal(("INV", 3), (area.AreaCode, area.AgreedRating));
        Assert.False(string.IsNullOrEmpty(area.EasyReadName));
        Assert.False(string.IsNullOrEmpty(area.RatingEasyRead));

        await family.PublishNetworkAsync(false);
        await ReadProblemAsync(await family.PageAsync(), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Families_can_respond_only_to_a_submitted_month_and_area()
    {
        var family = await FamilyWorld.CreateAsync(Fixture.App, Client);

        var otherArea = await ReadProblemAsync(await family.RespondAsync(FamilyVerdict.Concur, areaCode: "RAS"), HttpStatusCode.UnprocessableEntity);
        Assert.True(otherArea["errors"]!.AsObject().ContainsKey("areaCode"));
        await ReadProblemAsync(await family.RespondAsync(FamilyVerdict.Concur, month: family.DraftMonth), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(HttpStatusCode.Accepted, (await family.RespondAsync(FamilyVerdict.Concur)).StatusCode);

        Assert.Single(await family.ResponsesAsync());
    }

    [Fact]
    public async Task Bad_input_to_the_public_endpoints_names_the_field()
    {
        var family = await FamilyWorld.CreateAsync(Fixture.App, Client);
        async Task<string> Field(object body, string field) =>
            await ReadFieldErrorAsync(await family.Anonymous.PostAsync("/api/v1/public/family-responses", JsonBody(
                System.Text.Json.JsonSerializer.Serialize(body))), field);

        await Field(new { shareCode = "O0O0O-I1I1I", month = family.SubmittedMonth, areaCode = "INV", response = "concur" }, "shareCode");
        await Field(new { shareCode = family.ShareCode, month = "2026-13", areaCode = "INV", response = "concur" }, "month");
        await Field(new { shareCode = family.ShareCode, month = family.SubmittedMonth, areaCode = "inv", response = "concur" }, "areaCode");
        await Field(new { shareCode = family.ShareCode, month = family.SubmittedMonth, areaCode = "INV", response = "agree" }, "response");
        await Field(new { shareCode = family.ShareCode, month = family.SubmittedMonth, areaCode = "INV", response = "concur", comment = new string('x', 501) }, "comment");
        await ReadFieldErrorAsync(await family.Anonymous.PostAsJsonAsync("/api/v1/public/unit-pages", new UnitPageRequest(family.ShareCode, 25), JsonOptions), "months");
        Assert.Empty(await family.ResponsesAsync());
    }

    [Fact]
    public async Task A_comment_with_a_personal_identifier_is_refused_and_never_echoed()
    {
        var family = await FamilyWorld.CreateAsync(Fixture.App, Client);
        const string comment = "Ring me on 07700 900123 about my son";

        var response = await family.RespondAsync(FamilyVerdict.Disagree, comment);

        var problem = await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("comment"));
        Assert.DoesNotContain("07700 900123", problem.ToJsonString()); // with its space: a random traceId can hold the digits
        Assert.Empty(await family.ResponsesAsync());
    }

    [Fact]
    public async Task Nothing_stored_with_a_response_ties_it_to_a_person()
    {
        var family = await FamilyWorld.CreateAsync(Fixture.App, Client);
        Assert.Equal(HttpStatusCode.Accepted, (await family.RespondAsync(FamilyVerdict.Partly, "Visits are friendly.")).StatusCode);

        await using var connection = new NpgsqlConnection(Fixture.App.OwnerConnectionString);
        await connection.OpenAsync();
        await using var columns = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'family_responses' ORDER BY column_name", connection);
        var names = new List<string>();
        await using (var reader = await columns.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }
        Assert.Equal(["area_code", "comment", "id", "moderation_note", "month", "network_id", "received_in", "retry_key_hash", "revision",
            "sort_key", "status", "unit_id", "verdict"], names);
        await using var db = Fixture.App.CreateDbContext();
        var stored = await db.FamilyResponses.SingleAsync(r => r.UnitId == family.UnitId);
        Assert.Equal(4, stored.Id.Version); // random: a version 7 id would carry the time
        Assert.Equal(1, stored.ReceivedIn.Day);
        Assert.Null(stored.RetryKeyHash);
        Assert.Empty(await db.AuditEvents.Where(e => e.EntityId == stored.Id.ToString()).ToListAsync());
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_is_counted_once_and_the_key_with_another_response_is_refused()
    {
        var family = await FamilyWorld.CreateAsync(Fixture.App, Client);
        var key = Guid.NewGuid().ToString();

        var first = await family.RespondAsync(FamilyVerdict.Concur, idempotencyKey: key);
        var again = await family.RespondAsync(FamilyVerdict.Concur, idempotencyKey: key);
        var other = await family.RespondAsync(FamilyVerdict.Disagree, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        await ReadProblemAsync(other, HttpStatusCode.UnprocessableEntity);
        Assert.Single(await family.ResponsesAsync());
    }

    [Fact]
    public async Task A_new_share_code_voids_the_old_one_and_the_audit_trail_never_holds_a_code()
    {
        var family = await FamilyWorld.CreateAsync(Fixture.App, Client);
        var fresh = await ReadAsync<ShareCodeResponse>(await family.World.Admin.PostAsync($"/api/v1/units/{family.UnitId}/share-code", null));

        await ReadProblemAsync(await family.PageAsync(), HttpStatusCode.NotFound);
        await ReadAsync<PublicUnitPage>(await family.PageAsync(fresh.ShareCode));
        Assert.Matches("^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$", fresh.ShareCode);
        await using var db = Fixture.App.CreateDbContext();
        var audit = await db.AuditEvents.Where(e => e.Action == "unit.share-code-issued" && e.EntityId == family.UnitId.ToString()).ToListAsync();
        Assert.Equal(2, audit.Count);
        Assert.All(audit, e => Assert.DoesNotContain(fresh.ShareCode.Replace("-", ""), e.Changes.Replace("-", "")));
        Assert.All(audit, e => Assert.DoesNotContain(family.ShareCode.Replace("-", ""), e.Changes.Replace("-", "")));
    }

    [Fact]
    public async Task A_burst_of_wrong_share_codes_is_limited_and_never_reaches_a_unit()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?> { ["SeQuIn:RateLimits:FamilyWrongCodesPerHour"] = "5" });
        var family = await FamilyWorld.CreateAsync(app, app.CreateClient(Fixture.NationalAdminToken));
        var wrong = Enumerable.Range(0, 5).Select(_ => ShareCodes.Format(ShareCodes.Generate())).ToList();

        foreach (var code in wrong)
        {
            await ReadProblemAsync(await family.RespondAsync(FamilyVerdict.Disagree, code: code), HttpStatusCode.NotFound);
        }
        var limited = await family.RespondAsync(FamilyVerdict.Disagree);
        var page = await family.PageAsync();

        await ReadProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        await ReadProblemAsync(page, HttpStatusCode.TooManyRequests);
        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.FamilyResponses.CountAsync());
    }

    [Fact]
    public async Task Responses_from_one_address_are_limited()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?> { ["SeQuIn:RateLimits:FamilyResponsesPerHour"] = "2" });
        var family = await FamilyWorld.CreateAsync(app, app.CreateClient(Fixture.NationalAdminToken));

        Assert.Equal(HttpStatusCode.Accepted, (await family.RespondAsync(FamilyVerdict.Concur)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await family.RespondAsync(FamilyVerdict.Concur)).StatusCode);
        var third = await family.RespondAsync(FamilyVerdict.Concur);

        await ReadProblemAsync(third, HttpStatusCode.TooManyRequests);
        Assert.NotNull(third.Headers.RetryAfter);
    }
}
