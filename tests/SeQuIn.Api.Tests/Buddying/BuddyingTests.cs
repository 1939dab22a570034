using System.Net;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Buddying;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Buddying;

/// <summary>Buddy suggestions, pairings and their outcomes, and which pairings came before improvement (ADR 0036).</summary>
public sealed class BuddyingTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private static string Month(DateOnly month) => Months.Format(month);

    [Fact]
    public async Task Suggestions_are_units_that_rated_it_high_for_a_sustained_period_and_share_evidence_most_consistent_first()
    {
        var world = await BuddyingWorld.CreateAsync(Fixture.App, Client);
        var (buddy, buddyMember) = await world.AddUnitAsync("Always high");
        var (steady, steadyMember) = await world.AddUnitAsync("High lately");
        var (keeps, keepsMember) = await world.AddUnitAsync("High, shares nothing");
        await BuddyingWorld.SubmitAsync(buddyMember, 4, true, BuddyingWorld.MonthsBack(5));
        await BuddyingWorld.SubmitAsync(steadyMember, 3, true, BuddyingWorld.MonthsBack(3));
        await BuddyingWorld.SubmitAsync(keepsMember, 4, false, BuddyingWorld.MonthsBack(5));
        await BuddyingWorld.SubmitAsync(world.World.Member, 4, true, BuddyingWorld.MonthsBack(5));
        var url = $"/api/v1/units/{world.LearnerId}/buddy-suggestions";

        var suggestions = await ReadAsync<Page<BuddySuggestion>>(await world.World.OtherMember.GetAsync($"{url}?standardCode=INV-01"));

        Assert.Equal([buddy.Id, steady.Id], suggestions.Items.Select(s => s.UnitId));
        Assert.Equal([1, 2], suggestions.Items.Select(s => s.Rank));
        var first = suggestions.Items[0];
        Assert.Equal((6, 6, 6, 4m, Month(BuddyingWorld.End), true), (first.MonthsHigh, first.MonthsInWindow, first.MonthsRated, first.MeanRating, first.LatestHighMonth, first.SameNetwork));
        Assert.Equal(6, first.Evidence.Count);
        Assert.All(first.Evidence, e => Assert.Equal("Co-chaired community meeting", e.Title));
        Assert.DoesNotContain(keeps.Id, suggestions.Items.Select(s => s.UnitId));

        var stricter = await ReadAsync<Page<BuddySuggestion>>(await world.World.Analyst.GetAsync($"{url}?standardCode=INV-01&atLeast=5"));
        Assert.Equal([buddy.Id], stricter.Items.Select(s => s.UnitId));
        var higher = await ReadAsync<Page<BuddySuggestion>>(await world.World.Lead.GetAsync($"{url}?areaCode=INV&highAt=4"));
        Assert.Equal([buddy.Id], higher.Items.Select(s => s.UnitId));
        var earlier = await ReadAsync<Page<BuddySuggestion>>(await world.World.Lead.GetAsync(
            $"{url}?standardCode=INV-01&month={Month(BuddyingWorld.End.AddMonths(-4))}&months=2&atLeast=2"));
        Assert.Equal([buddy.Id], earlier.Items.Select(s => s.UnitId));

        var firstPage = await ReadAsync<Page<BuddySuggestion>>(await world.World.Lead.GetAsync($"{url}?areaCode=INV&limit=1"));
        Assert.Equal(buddy.Id, Assert.Single(firstPage.Items).UnitId);
        var secondPage = await ReadAsync<Page<BuddySuggestion>>(await world.World.Lead.GetAsync($"{url}?areaCode=INV&limit=1&cursor={firstPage.NextCursor}"));
        Assert.Equal(steady.Id, Assert.Single(secondPage.Items).UnitId);
        Assert.Null(secondPage.NextCursor);

        await ReadFieldErrorAsync(await world.World.Lead.GetAsync($"{url}?standardCode=INV-01&areaCode=INV"), "standardCode");
        await ReadFieldErrorAsync(await world.World.Lead.GetAsync($"{url}?standardCode=INV-01&months=3&atLeast=4"), "atLeast");
        var stranger = await world.AddUnitAsync("Elsewhere", (await BuddyingWorld.CreateAsync(Fixture.App, Client)).World.Network.Id);
        await ReadProblemAsync(await stranger.Member.Client.GetAsync($"{url}?standardCode=INV-01"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_lead_records_a_pairing_and_its_outcome_and_the_network_sees_it_came_before_improvement()
    {
        var world = await BuddyingWorld.CreateAsync(Fixture.App, Client);
        var started = BuddyingWorld.End.AddMonths(-2);
        await BuddyingWorld.SubmitAsync(world.World.Member, 1, false, BuddyingWorld.MonthsBack(5, 3));
        await BuddyingWorld.SubmitAsync(world.World.Member, 3, false, BuddyingWorld.MonthsBack(1));
        var url = $"/api/v1/units/{world.LearnerId}/buddy-pairings";
        var request = new BuddyPairingRequest(world.World.OtherUnit.Id, "INV-01", null, Month(started), "Our co-chairs join two of their community meetings.");

        await ReadProblemAsync(await world.World.Member.Client.SendAsync(BuddyingWorld.Send(HttpMethod.Post, url, request)), HttpStatusCode.Forbidden);
        await ReadProblemAsync(await world.World.Admin.SendAsync(BuddyingWorld.Send(HttpMethod.Post, url, request)), HttpStatusCode.Forbidden);
        var created = await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, url, request));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var pairing = await ReadAsync<BuddyPairingResponse>(created);

        Assert.Equal(("INV", (BuddyOutcome?)null, world.World.OtherUnit.Code), (pairing.AreaCode, pairing.Outcome, pairing.BuddyUnitCode));
        Assert.Equal(new PairingBeforeAndAfter(Month(started.AddMonths(-3)), Month(started.AddMonths(-1)), 1m, 3,
            Month(started.AddMonths(1)), Month(started.AddMonths(3)), 3m, 2, true), pairing.BeforeAndAfter);
        Assert.Equal($"/api/v1/units/{world.LearnerId}/buddy-pairings/{pairing.Id}", created.Headers.Location!.OriginalString);

        var outcomeUrl = $"{url}/{pairing.Id}/outcome";
        var outcome = new BuddyOutcomeRequest(BuddyOutcome.Improved, "Co-chairing now runs on both wards.");
        await ReadProblemAsync(await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, outcomeUrl, outcome)), HttpStatusCode.PreconditionRequired);
        await ReadProblemAsync(await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, outcomeUrl, outcome, "\"9\"")), HttpStatusCode.PreconditionFailed);
        var recorded = await ReadAsync<BuddyPairingResponse>(await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, outcomeUrl, outcome, "\"1\"")));
        Assert.Equal((BuddyOutcome.Improved, 2), (recorded.Outcome!.Value, recorded.Revision));

        var ofUnit = await ReadAsync<Page<BuddyPairingResponse>>(await world.World.Analyst.GetAsync($"{url}?outcome=improved"));
        Assert.Equal(recorded, Assert.Single(ofUnit.Items));
        Assert.Empty((await ReadAsync<Page<BuddyPairingResponse>>(await world.World.Analyst.GetAsync($"{url}?outcome=ended"))).Items);
        var ofNetwork = await ReadAsync<Page<BuddyPairingResponse>>(await world.World.OtherMember.GetAsync($"/api/v1/networks/{world.World.Network.Id}/buddy-pairings"));
        Assert.True(Assert.Single(ofNetwork.Items).BeforeAndAfter.Improved);
        // One pairing compared is fewer than the minimum group: its count would name it.
        var summary = await ReadAsync<BuddyingSummary>(await world.World.Lead.GetAsync($"/api/v1/networks/{world.World.Network.Id}/buddy-pairings/summary"));
        Assert.Equal((1, 1, (int?)null, true), (summary.Pairings, summary.Compared, summary.CameBeforeImprovement, summary.Suppressed));

        var changes = await ReadAsync<ChangePage>(await world.World.Lead.GetAsync("/api/v1/changes?limit=1000"));
        Assert.Equal([ChangeKinds.BuddyingPaired, ChangeKinds.BuddyingOutcomeRecorded],
            changes.Items.Where(c => c.ResourceId == pairing.Id).Select(c => c.Kind));
    }

    [Fact]
    public async Task The_summary_counts_pairings_that_came_before_improvement_once_enough_were_compared()
    {
        var world = await BuddyingWorld.CreateAsync(Fixture.App, Client);
        var url = $"/api/v1/units/{world.LearnerId}/buddy-pairings";
        await BuddyingWorld.SubmitAsync(world.World.Member, 2, false, BuddyingWorld.MonthsBack(4, 3));
        await BuddyingWorld.SubmitAsync(world.World.Member, 3, false, BuddyingWorld.MonthsBack(1));
        foreach (var (standard, started) in new[] { ("INV-01", 2), ("INV-02", 2), ("INV-03", 6) })
        {
            (await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, url,
                new BuddyPairingRequest(world.World.OtherUnit.Id, standard, null, Month(BuddyingWorld.End.AddMonths(-started)))))).EnsureSuccessStatusCode();
        }
        (await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, url,
            new BuddyPairingRequest(world.World.OtherUnit.Id, null, "INV", Month(BuddyingWorld.End.AddMonths(-2)))))).EnsureSuccessStatusCode();

        var summary = await ReadAsync<BuddyingSummary>(await world.World.Lead.GetAsync($"/api/v1/networks/{world.World.Network.Id}/buddy-pairings/summary"));

        // INV-03's pairing started before any rating: nothing to compare it with.
        Assert.Equal((4, 3, (int?)3, (decimal?)1m, false), (summary.Pairings, summary.Compared, summary.CameBeforeImprovement, summary.ImprovedShare, summary.Suppressed));
    }

    [Fact]
    public async Task Buddies_of_other_networks_are_offered_only_when_both_networks_offer_them_nationally()
    {
        var world = await BuddyingWorld.CreateAsync(Fixture.App, Client);
        var elsewhere = await BuddyingWorld.CreateAsync(Fixture.App, Client);
        await BuddyingWorld.SubmitAsync(elsewhere.World.Member, 4, true, BuddyingWorld.MonthsBack(3));
        await BuddyingWorld.SubmitAsync(world.World.Member, 1, false, BuddyingWorld.MonthsBack(0));
        var suggestions = $"/api/v1/units/{world.LearnerId}/buddy-suggestions?standardCode=INV-01";
        var pairings = $"/api/v1/units/{world.LearnerId}/buddy-pairings";
        var request = new BuddyPairingRequest(elsewhere.LearnerId, "INV-01", null, Month(BuddyingWorld.End));

        Assert.Empty((await ReadAsync<Page<BuddySuggestion>>(await world.World.Lead.GetAsync(suggestions))).Items);
        await ReadFieldErrorAsync(await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, pairings, request)), "buddyUnitId");
        await world.OfferBuddiesNationallyAsync(world.World.Network.Id, true);
        Assert.Empty((await ReadAsync<Page<BuddySuggestion>>(await world.World.Lead.GetAsync(suggestions))).Items);
        await ReadFieldErrorAsync(await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, pairings, request)), "buddyUnitId");

        await world.OfferBuddiesNationallyAsync(elsewhere.World.Network.Id, true);

        var offered = Assert.Single((await ReadAsync<Page<BuddySuggestion>>(await world.World.Lead.GetAsync(suggestions))).Items, s => s.UnitId == elsewhere.LearnerId);
        Assert.Equal((false, elsewhere.World.Network.Code, 4), (offered.SameNetwork, offered.NetworkCode, offered.MonthsHigh));
        Assert.Equal(HttpStatusCode.Created, (await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, pairings, request))).StatusCode);
        // The other network's readers do not see the pairing: it is the learner's network's.
        Assert.Empty((await ReadAsync<Page<BuddyPairingResponse>>(await elsewhere.World.Lead.GetAsync($"/api/v1/networks/{elsewhere.World.Network.Id}/buddy-pairings"))).Items);
        await world.OfferBuddiesNationallyAsync(world.World.Network.Id, false);
        await world.OfferBuddiesNationallyAsync(elsewhere.World.Network.Id, false);
    }

    [Fact]
    public async Task Pairings_refuse_notes_with_personal_identifiers_without_echoing_them_and_bad_input_by_field()
    {
        var world = await BuddyingWorld.CreateAsync(Fixture.App, Client);
        var url = $"/api/v1/units/{world.LearnerId}/buddy-pairings";
        var month = Month(BuddyingWorld.End);
        var buddy = world.World.OtherUnit.Id;

        var refused = await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, url,
            new BuddyPairingRequest(buddy, "INV-01", null, month, "Ask John Smith, NHS number 943 476 5919.")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.DoesNotContain("943 476 5919", await refused.Content.ReadAsStringAsync());

        await ReadFieldErrorAsync(await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, url, new BuddyPairingRequest(buddy, "INV-01", "INV", month))), "standardCode");
        await ReadFieldErrorAsync(await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, url, new BuddyPairingRequest(buddy, "XYZ-01", null, month))), "standardCode");
        await ReadFieldErrorAsync(await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, url, new BuddyPairingRequest(world.LearnerId, null, "INV", month))), "buddyUnitId");
        await ReadFieldErrorAsync(await world.World.Lead.SendAsync(BuddyingWorld.Send(HttpMethod.Post, url,
            new BuddyPairingRequest(buddy, null, "INV", Month(BuddyingWorld.End.AddMonths(3))))), "startedMonth");
        Assert.Empty((await ReadAsync<Page<BuddyPairingResponse>>(await world.World.Lead.GetAsync(url))).Items);
    }
}
