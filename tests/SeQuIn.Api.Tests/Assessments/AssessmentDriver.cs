using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Tests.Assessments;

/// <summary>Drives assessments through the API as a unit member would, keeping track of ETags.</summary>
public sealed class AssessmentDriver(HttpClient member, Guid unitId)
{
    private static int _monthsBack;

    /// <summary>The earliest month <see cref="FreshMonth"/> hands out.</summary>
    public static readonly DateOnly FirstFreshMonth = new(2003, 1, 1);

    public static readonly string[] InvolvementStandards = Enumerable.Range(1, 10).Select(i => $"INV-{i:00}").ToArray();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Guid, string), byte> UsedByUnit = new();

    /// <summary>
    /// A month back from this one, a different one each call, so creates never collide. The months back to
    /// <see cref="FirstFreshMonth"/> run out in a long run (the authorization matrix alone makes hundreds of assessments
    /// of one unit): then they start again, and a month the unit already used (when it is given) is skipped.
    /// Months before it (2000-01 to 2002-12) are never handed out: they are kept for tests that claim a whole month
    /// nationally (a comparison group holding only their units), which name one of them.
    /// </summary>
    public static string FreshMonth(Guid? unitId = null)
    {
        var current = new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1);
        var span = (current.Year - FirstFreshMonth.Year) * 12 + current.Month - FirstFreshMonth.Month;
        for (var tried = 0; ; tried++)
        {
            if (tried > span)
            {
                throw new InvalidOperationException($"Unit {unitId} has an assessment of every month from {Months.Format(FirstFreshMonth)}: share one between reads.");
            }
            var back = Interlocked.Increment(ref _monthsBack);
            var month = Months.Format(current.AddMonths(-(1 + (back - 1) % span)));
            if (unitId is null || UsedByUnit.TryAdd((unitId.Value, month), 0))
            {
                return month;
            }
        }
    }

    public HttpClient Client => member;

    public async Task<AssessmentDetail> CreateAsync(string areaCode = "INV", string? month = null, bool withPair = true) =>
        await ReadAsync<AssessmentDetail>(await member.PostAsJsonAsync("/api/v1/assessments", new CreateAssessmentRequest(unitId, areaCode, month ?? FreshMonth(unitId),
            withPair ? [new ParticipantInput(ParticipantRole.Staff, "Ward nurse"), new ParticipantInput(ParticipantRole.ServiceUser, "SU1")] : null), Json.Options));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body, string? etag)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: Json.Options) };
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        }
        return member.SendAsync(request);
    }

    public static string ETagOf(AssessmentDetail assessment) => $"\"{assessment.Revision}\"";

    public async Task<AssessmentDetail> RateAllAsync(AssessmentDetail assessment, int value = 3)
    {
        var ratings = InvolvementStandards.Select(code => new RatingInput(code, value)).ToList();
        return await ReadAsync<AssessmentDetail>(await SendAsync(HttpMethod.Put, $"/api/v1/assessments/{assessment.Id}/ratings", new RatingsRequest(ratings), ETagOf(assessment)));
    }

    public async Task<AssessmentDetail> AgreeAsync(AssessmentDetail assessment, int value = 3) =>
        await ReadAsync<AssessmentDetail>(await SendAsync(HttpMethod.Put, $"/api/v1/assessments/{assessment.Id}/agreed-rating", new AgreedRatingRequest(value), ETagOf(assessment)));

    public async Task<AssessmentDetail> SubmitAsync(AssessmentDetail assessment) =>
        await ReadAsync<AssessmentDetail>(await SendAsync(HttpMethod.Post, $"/api/v1/assessments/{assessment.Id}/submit", null, ETagOf(assessment)));

    /// <summary>A complete submitted assessment of INV with one unshared piece of evidence carrying a file.</summary>
    public async Task<(AssessmentDetail Assessment, Guid EvidenceId)> CreateSubmittedAsync()
    {
        var assessment = await RateAllAsync(await CreateAsync());
        assessment = await AgreeAsync(assessment);
        assessment = await ReadAsync<AssessmentDetail>(await SendAsync(HttpMethod.Post, $"/api/v1/assessments/{assessment.Id}/evidence",
            new EvidenceInput(EvidenceKind.Minutes, "Community meeting minutes", "Service users chaired the meeting.", StandardCode: "INV-01"), ETagOf(assessment)));
        var evidenceId = assessment.Evidence.Single().Id;
        assessment = await UploadAsync(assessment, evidenceId, "%PDF-1.7 minutes"u8.ToArray(), "application/pdf", "minutes.pdf");
        return (await SubmitAsync(assessment), evidenceId);
    }

    public async Task<AssessmentDetail> UploadAsync(AssessmentDetail assessment, Guid evidenceId, byte[] content, string contentType, string fileName) =>
        await ReadAsync<AssessmentDetail>(await UploadResponseAsync(assessment, evidenceId, content, contentType, fileName));

    public Task<HttpResponseMessage> UploadResponseAsync(AssessmentDetail assessment, Guid evidenceId, byte[] content, string contentType, string fileName)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/assessments/{assessment.Id}/evidence/{evidenceId}/file?fileName={Uri.EscapeDataString(fileName)}")
        {
            Content = new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } },
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue(ETagOf(assessment)));
        return member.SendAsync(request);
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
        }
        return JsonSerializer.Deserialize<T>(body, Json.Options)!;
    }
}
