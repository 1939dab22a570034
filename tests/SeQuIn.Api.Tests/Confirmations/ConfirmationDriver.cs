using System.Net.Http.Json;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Confirmations;
using SeQuIn.Api.Tests.Assessments;

namespace SeQuIn.Api.Tests.Confirmations;

/// <summary>Issues codes as a unit member, and types them as a service user would (no credentials).</summary>
public static class ConfirmationDriver
{
    public static Task<HttpResponseMessage> IssueResponseAsync(AssessmentDriver unit, AssessmentDetail assessment) =>
        unit.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{assessment.Id}/confirmation-codes", null, AssessmentDriver.ETagOf(assessment));

    public static async Task<string> IssueAsync(AssessmentDriver unit, AssessmentDetail assessment) =>
        (await AssessmentDriver.ReadAsync<IssuedCode>(await IssueResponseAsync(unit, assessment))).Code;

    public static Task<HttpResponseMessage> LookUpAsync(HttpClient client, string code) =>
        client.PostAsJsonAsync("/api/v1/confirmations/lookup", new CodeRequest(code), Json.Options);

    public static Task<HttpResponseMessage> ConfirmAsync(HttpClient client, string code, ConfirmationDecision decision, string? reason = null) =>
        client.PostAsJsonAsync("/api/v1/confirmations", new ConfirmationRequest(code, decision, reason), Json.Options);

    public static async Task<AssessmentDetail> GetAsync(HttpClient client, Guid id) =>
        await AssessmentDriver.ReadAsync<AssessmentDetail>(await client.GetAsync($"/api/v1/assessments/{id}"));

    /// <summary>
    /// A complete submitted assessment of INV for a month the test names. Each test makes fresh units, so these months
    /// are not taken from AssessmentDriver.FreshMonth, whose supply back to 2000-01 the whole suite shares.
    /// </summary>
    public static async Task<AssessmentDetail> SubmittedAsync(AssessmentDriver unit, string month = "2025-01") =>
        await unit.SubmitAsync(await unit.AgreeAsync(await unit.RateAllAsync(await unit.CreateAsync(month: month))));

    /// <summary>A submitted assessment of INV whose staff and service-user views differ on every standard by one point.</summary>
    public static async Task<AssessmentDetail> SubmittedWithViewsAsync(AssessmentDriver unit, string month)
    {
        var draft = await unit.CreateAsync(month: month);
        var ratings = AssessmentDriver.InvolvementStandards.Select(code => new RatingInput(code, 3, StaffView: 3, ServiceUserView: 2)).ToList();
        var rated = await AssessmentDriver.ReadAsync<AssessmentDetail>(await unit.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings",
            new RatingsRequest(ratings), AssessmentDriver.ETagOf(draft)));
        return await unit.SubmitAsync(await unit.AgreeAsync(rated));
    }
}
