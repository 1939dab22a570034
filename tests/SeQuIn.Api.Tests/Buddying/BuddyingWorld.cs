using System.Net.Http.Headers;
using System.Net.Http.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Buddying;

/// <summary>
/// An assessment world for buddying: its unit is the learner; more units of the network (or of another) are added
/// with a member each and submit months of INV. The units are new, so fixed months cannot collide; months end last month.
/// </summary>
public sealed class BuddyingWorld(SeQuInApp app, HttpClient national, AssessmentWorld world)
{
    /// <summary>Last month: the latest month the world's units submit.</summary>
    public static readonly DateOnly End = new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1).AddMonths(-1);

    public AssessmentWorld World { get; } = world;
    public Guid LearnerId => World.Unit.Id;
    public HttpClient National => national;

    public static async Task<BuddyingWorld> CreateAsync(SeQuInApp app, HttpClient national) =>
        new(app, national, await AssessmentWorld.CreateAsync(app, national));

    /// <summary>A new unit of the network (or of <paramref name="networkId"/>) and a driver for its member.</summary>
    public async Task<(UnitResponse Unit, AssessmentDriver Member)> AddUnitAsync(string name, Guid? networkId = null)
    {
        var unit = await Post<UnitResponse>("/api/v1/units", new CreateUnitRequest($"U-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}", name,
            SecurityLevel.Low, World.Unit.Provider.Id, networkId ?? World.Network.Id));
        var key = await Post<CreatedApiKeyResponse>("/api/v1/keys", new CreateApiKeyRequest("Test", Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [unit.Id])));
        return (unit, new AssessmentDriver(app.CreateClient(key.Token), unit.Id));
    }

    /// <summary>Submits INV, every standard rated <paramref name="value"/>, for each month given, with one piece of evidence of INV-01.</summary>
    public static async Task SubmitAsync(AssessmentDriver member, int value, bool shareEvidence, params DateOnly[] months)
    {
        foreach (var month in months)
        {
            var assessment = await member.AgreeAsync(await member.RateAllAsync(await member.CreateAsync("INV", Months.Format(month)), value), value);
            if (shareEvidence)
            {
                assessment = await AssessmentDriver.ReadAsync<AssessmentDetail>(await member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{assessment.Id}/evidence",
                    new EvidenceInput(EvidenceKind.Minutes, "Co-chaired community meeting", StandardCode: "INV-01", Shared: true), AssessmentDriver.ETagOf(assessment)));
            }
            else
            {
                assessment = await AssessmentDriver.ReadAsync<AssessmentDetail>(await member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{assessment.Id}/evidence",
                    new EvidenceInput(EvidenceKind.Minutes, "Ward notes kept to ourselves", StandardCode: "INV-01"), AssessmentDriver.ETagOf(assessment)));
            }
            await member.SubmitAsync(assessment);
        }
    }

    /// <summary>The months from <paramref name="back"/> months before <see cref="End"/> up to <paramref name="upTo"/> months before it.</summary>
    public static DateOnly[] MonthsBack(int back, int upTo = 0) => Enumerable.Range(upTo, back - upTo + 1).Select(b => End.AddMonths(-b)).Reverse().ToArray();

    public async Task OfferBuddiesNationallyAsync(Guid networkId, bool offer)
    {
        var url = $"/api/v1/networks/{networkId}";
        var read = await national.GetAsync(url);
        var network = await AssessmentDriver.ReadAsync<NetworkResponse>(read);
        using var put = new HttpRequestMessage(HttpMethod.Put, url)
        {
            Content = JsonContent.Create(new UpdateNetworkRequest(network.Name, true, network.Region, network.AllowRanks, network.PublishSummaries,
                OfferBuddiesNationally: offer), options: Json.Options),
        };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        await AssessmentDriver.ReadAsync<NetworkResponse>(await national.SendAsync(put));
    }

    public static HttpRequestMessage Send(HttpMethod method, string url, object body, string? etag = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body, body.GetType(), options: Json.Options) };
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        }
        return request;
    }

    private async Task<T> Post<T>(string url, object body) =>
        await AssessmentDriver.ReadAsync<T>(await national.PostAsync(url, JsonContent.Create(body, body.GetType(), options: Json.Options)));
}
