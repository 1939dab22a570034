using System.Net.Http.Headers;
using System.Net.Http.Json;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Families;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Families;

/// <summary>An assessment world whose unit has a share code and a submitted month of INV (and a draft month), made fresh for a test.</summary>
public sealed class FamilyWorld
{
    private FamilyWorld(AssessmentWorld world, HttpClient anonymous, string shareCode, string submittedMonth, string draftMonth)
    {
        World = world;
        Anonymous = anonymous;
        ShareCode = shareCode;
        SubmittedMonth = submittedMonth;
        DraftMonth = draftMonth;
    }

    public AssessmentWorld World { get; }
    public HttpClient Anonymous { get; }
    public string ShareCode { get; }
    public string SubmittedMonth { get; }
    public string DraftMonth { get; }
    public Guid UnitId => World.Unit.Id;

    public static async Task<FamilyWorld> CreateAsync(SeQuInApp app, HttpClient national, bool publish = true)
    {
        var world = await AssessmentWorld.CreateAsync(app, national);
        // The world's units are new, so fixed months cannot collide; AssessmentDriver.FreshMonth's supply of months
        // before 2000 is shared by the whole suite.
        var lastMonth = new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1).AddMonths(-1);
        var submitted = await world.Member.SubmitAsync(await world.Member.AgreeAsync(
            await world.Member.RateAllAsync(await world.Member.CreateAsync("INV", Months.Format(lastMonth)))));
        var draftMonth = Months.Format(lastMonth.AddMonths(-1));
        await world.Member.CreateAsync("INV", draftMonth);
        var code = await AssessmentDriver.ReadAsync<ShareCodeResponse>(await world.Lead.PostAsync($"/api/v1/units/{world.Unit.Id}/share-code", null));
        var family = new FamilyWorld(world, app.CreateClient(), code.ShareCode, submitted.Month, draftMonth);
        if (publish)
        {
            await family.PublishNetworkAsync(true);
            await family.PublishUnitAsync(true);
        }
        return family;
    }

    public async Task PublishNetworkAsync(bool publish)
    {
        var read = await World.Admin.GetAsync($"/api/v1/networks/{World.Network.Id}");
        var network = await AssessmentDriver.ReadAsync<NetworkResponse>(read);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/networks/{network.Id}")
        {
            Content = JsonContent.Create(new UpdateNetworkRequest(network.Name, true, network.Region, network.AllowRanks, network.PublishSummaries, publish),
                options: Json.Options),
        };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        await AssessmentDriver.ReadAsync<NetworkResponse>(await World.Admin.SendAsync(put));
    }

    public async Task PublishUnitAsync(bool publish)
    {
        var read = await World.Admin.GetAsync($"/api/v1/units/{UnitId}");
        var unit = await AssessmentDriver.ReadAsync<UnitResponse>(read);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/units/{UnitId}")
        {
            Content = JsonContent.Create(new UpdateUnitRequest(unit.Name, unit.SecurityLevel, unit.Provider.Id, unit.Network.Id, true, null, publish),
                options: Json.Options),
        };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        await AssessmentDriver.ReadAsync<UnitResponse>(await World.Admin.SendAsync(put));
    }

    public Task<HttpResponseMessage> PageAsync(string? code = null) =>
        Anonymous.PostAsJsonAsync("/api/v1/public/unit-pages", new UnitPageRequest(code ?? ShareCode), Json.Options);

    public Task<HttpResponseMessage> RespondAsync(FamilyVerdict verdict, string? comment = null, string areaCode = "INV", string? month = null,
        string? code = null, string? idempotencyKey = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/public/family-responses")
        {
            Content = JsonContent.Create(new FamilyResponseRequest(code ?? ShareCode, month ?? SubmittedMonth, areaCode, verdict, comment), options: Json.Options),
        };
        if (idempotencyKey is not null)
        {
            message.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return Anonymous.SendAsync(message);
    }

    public async Task<List<FamilyResponseView>> ResponsesAsync(string query = "") =>
        [.. (await AssessmentDriver.ReadAsync<Page<FamilyResponseView>>(await World.Lead.GetAsync($"/api/v1/units/{UnitId}/family-responses{query}"))).Items];

    public Task<HttpResponseMessage> ModerateAsync(HttpClient client, FamilyResponseView response, ModerationDecision decision, string? etag = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/units/{UnitId}/family-responses/{response.Id}/moderation")
        {
            Content = JsonContent.Create(new ModerationRequest(decision, null), options: Json.Options),
        };
        message.Headers.IfMatch.Add(new EntityTagHeaderValue(etag ?? $"\"{response.Revision}\""));
        return client.SendAsync(message);
    }
}
