// An integrator's first hour with SeQuIn, run against a live service by clients/run-scenarios.sh.
// The client (Generated/) is made by Kiota from openapi/sequin.v1.json at build time. Kiota sends headers through
// each request's configuration and shows response headers through HeadersInspectionHandlerOption; problem details
// arrive as exceptions typed from the contract. Any answer the contract does not lead us to expect exits with 1.
//
//   SEQUIN_BASE_URL     e.g. http://127.0.0.1:5080
//   SEQUIN_MEMBER_KEY   a unit-member key for the unit SEQUIN_UNIT_CODE (makes the assessment)
//   SEQUIN_ANALYST_KEY  an analyst key for the unit's network (lists units, reads benchmarks, exports)
//   SEQUIN_UNIT_CODE    the unit to assess (default YH-M01, the demo's)
using System.Net.Http.Headers;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using SeQuIn.Client;
using SeQuIn.Client.Models;

var baseUrl = Required("SEQUIN_BASE_URL");
var unitCode = Environment.GetEnvironmentVariable("SEQUIN_UNIT_CODE") ?? "YH-M01";
var member = Connect(Required("SEQUIN_MEMBER_KEY"));
var analyst = Connect(Required("SEQUIN_ANALYST_KEY"));

// 1. The active framework, then the same read made conditional: an unchanged resource answers 304 with no body.
var frameworkHeaders = Inspect();
var framework = await member.Api.V1.Frameworks.Active.GetAsync(c => c.Options.Add(frameworkHeaders));
Expect(framework?.Areas?.Count > 0, $"GET /frameworks/active answers {framework?.Identifier} with {framework?.Areas?.Count} areas");
var frameworkEtag = ETagOf(frameworkHeaders);
Expect(await NotModifiedAsync(() => member.Api.V1.Frameworks.Active.GetAsync(c => c.Headers.Add("If-None-Match", frameworkEtag))),
    "the same GET with If-None-Match answers 304 Not Modified");

// 2. Every unit of the network, a few at a time: follow nextCursor until it is null.
var units = new List<UnitResponse>();
string? cursor = null;
var pages = 0;
do
{
    var page = await analyst.Api.V1.Units.GetAsync(c =>
    {
        c.QueryParameters.Limit = 4;
        c.QueryParameters.Cursor = cursor;
    });
    Expect(page?.Items is not null, $"GET /units page {++pages} answers 200");
    units.AddRange(page!.Items!);
    cursor = page.NextCursor;
} while (cursor is not null);
Expect(pages > 1 && units.DistinctBy(u => u.Id).Count() == units.Count, $"{units.Count} units in {pages} pages, none twice");
var unit = units.SingleOrDefault(u => u.Code == unitCode);
Expect(unit?.Id is not null, $"unit {unitCode} is among them");
var unitId = unit!.Id!.Value;

// 3. A month this unit has not assessed Involvement in yet (the demo has two years of history), found by paging too.
var assessed = new HashSet<string>();
cursor = null;
do
{
    var page = await member.Api.V1.Assessments.GetAsync(c =>
    {
        c.QueryParameters.UnitId = unitId;
        c.QueryParameters.AreaCode = "INV";
        c.QueryParameters.Limit = 100;
        c.QueryParameters.Cursor = cursor;
    });
    Expect(page?.Items is not null, "GET /assessments (this unit's Involvement) answers 200");
    assessed.UnionWith(page!.Items!.Select(a => a.Month!));
    cursor = page.NextCursor;
} while (cursor is not null);
var month = Enumerable.Range(0, 120).Select(back => DateTime.UtcNow.AddMonths(-back).ToString("yyyy-MM"))
    .First(m => !assessed.Contains(m));
Console.WriteLine($"      assessing INV for {month}");

// 4. Create with an Idempotency-Key, then send the very same request again, as a client would after a time-out:
//    the service answers with the first answer and says so, rather than creating a second assessment or a 409.
var idempotencyKey = Guid.NewGuid().ToString();
var create = new CreateAssessmentRequest
{
    UnitId = unitId,
    AreaCode = "INV",
    Month = month,
    Participants =
    [
        new ParticipantInput { Role = ParticipantRole.Staff, Label = "Ward nurse" },
        new ParticipantInput { Role = ParticipantRole.ServiceUser, Label = "SU1" },
    ],
};
var createdHeaders = Inspect();
var created = await member.Api.V1.Assessments.PostAsync(create, c =>
{
    c.Headers.Add("Idempotency-Key", idempotencyKey);
    c.Options.Add(createdHeaders);
});
Expect(created?.Id is not null, "POST /assessments answers 201 with the new assessment");
var id = created!.Id!.Value;
Expect(Header(createdHeaders, "Location")?.EndsWith($"/api/v1/assessments/{id}") == true, "the 201 says where the assessment is (Location)");
var replayHeaders = Inspect();
var replay = await member.Api.V1.Assessments.PostAsync(create, c =>
{
    c.Headers.Add("Idempotency-Key", idempotencyKey);
    c.Options.Add(replayHeaders);
});
Expect(replay?.Id == id, "the same request again answers with the same assessment");
Expect(Header(replayHeaders, "Idempotent-Replayed") == "true", "the replay says Idempotent-Replayed: true");

// 5. Changes carry the ETag in If-Match. A change made with an ETag that is no longer current answers 412.
var assessment = member.Api.V1.Assessments[id];
var readHeaders = Inspect();
await assessment.GetAsync(c => c.Options.Add(readHeaders));
var firstEtag = ETagOf(readHeaders);
var standards = framework!.Areas!.Single(a => a.Code == "INV").Standards!;
var ratings = new RatingsRequest
{
    Ratings = standards.Select(s => new RatingInput { StandardCode = s.Code, Value = 3, NotApplicable = false }).ToList(),
};
var ratedHeaders = Inspect();
var rated = await assessment.Ratings.PutAsync(ratings, c => Change(c, firstEtag, ratedHeaders));
Expect(rated?.Ratings?.Count == standards.Count, $"PUT /ratings with If-Match answers 200 with all {standards.Count} standards rated");
var etag = ETagOf(ratedHeaders);
Expect(etag != firstEtag, "the change gave the assessment a new ETag");

try
{
    await assessment.Ratings.PutAsync(ratings, c => Change(c, firstEtag));
    Expect(false, "the same change with the old ETag is refused");
}
catch (ProblemDetails problem)
{
    Expect(problem.ResponseStatusCode == 412 && problem.Status == 412, "the same change with the old ETag answers 412 Precondition Failed");
    Expect(!string.IsNullOrEmpty(problem.Type) && !string.IsNullOrEmpty(problem.Title), $"as problem details with type and title (\"{problem.Title}\")");
}

// 6. Bad input is answered with problem details naming each field, never a 500.
try
{
    await member.Api.V1.Assessments.PostAsync(new CreateAssessmentRequest { UnitId = unitId, AreaCode = "INV", Month = "2026-13" },
        c => c.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString()));
    Expect(false, "a month 2026-13 is refused");
}
catch (HttpValidationProblemDetails problem)
{
    var errors = problem.Errors?.AdditionalData ?? new Dictionary<string, object>();
    Expect(problem.ResponseStatusCode is 400 or 422 && errors.ContainsKey("month"),
        $"a month 2026-13 answers {problem.ResponseStatusCode} with errors naming month");
}

// 7. A conditional GET of the assessment: unchanged since our ETag, so 304.
Expect(await NotModifiedAsync(() => assessment.GetAsync(c => c.Headers.Add("If-None-Match", etag))),
    "GET /assessments/{id} with If-None-Match answers 304");

// 8. Agree the area's rating and submit.
var agreedHeaders = Inspect();
await assessment.AgreedRating.PutAsync(new AgreedRatingRequest { Value = 3 }, c => Change(c, etag, agreedHeaders));
etag = ETagOf(agreedHeaders);
var submittedHeaders = Inspect();
var submitted = await assessment.Submit.PostAsync(c => Change(c, etag, submittedHeaders));
Expect(submitted?.Status == AssessmentStatus.Submitted, "POST /submit answers 200 and the assessment is submitted");
var writePosition = Header(submittedHeaders, "SeQuIn-Write-Position");

// 9. The unit's benchmark for that month includes the new result (SeQuIn-Read-After makes a replica wait for it).
var benchmark = await analyst.Api.V1.Benchmarks.Units[unitId].GetAsync(c =>
{
    c.QueryParameters.Month = month;
    if (writePosition is not null)
    {
        c.Headers.Add("SeQuIn-Read-After", writePosition);
    }
});
var involvement = benchmark?.Areas?.SingleOrDefault(a => a.Code == "INV");
Expect(involvement?.Score == 3, $"the Involvement benchmark for {month} has our score (3), rank {involvement?.Rank}");

// 10. The ratings export as CSV: a header line, then one line per rating.
await using var csv = await analyst.Api.V1.Exports.RatingsCsv.GetAsync(c =>
{
    c.QueryParameters.From = month;
    c.QueryParameters.To = month;
    c.QueryParameters.UnitCode = [unitCode];
    c.QueryParameters.AreaCode = ["INV"];
});
Expect(csv is not null, "GET /exports/ratings.csv answers 200");
var lines = new List<string>();
using (var reader = new StreamReader(csv!))
{
    while (await reader.ReadLineAsync() is { } line)
    {
        lines.Add(line);
    }
}
foreach (var line in lines.Take(3))
{
    Console.WriteLine($"      {line}");
}
Expect(lines.Count(l => l.Length > 0) == standards.Count + 1, $"the CSV has a header and {standards.Count} rows for our assessment");

Console.WriteLine("csharp scenario: all steps answered as the contract says");
return 0;

static string Required(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : throw new InvalidOperationException($"{name} is not set");

SeQuInClient Connect(string key)
{
    // Kiota's default handlers (retry honouring Retry-After, redirects, header inspection) with the key on every call.
    var http = KiotaClientFactory.Create();
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    return new SeQuInClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = baseUrl });
}

static void Expect(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException($"unexpected: {what}");
    }
    Console.WriteLine($"  ok  {what}");
}

static HeadersInspectionHandlerOption Inspect() => new() { InspectResponseHeaders = true };

static string? Header(HeadersInspectionHandlerOption inspected, string name) =>
    inspected.ResponseHeaders.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;

static string ETagOf(HeadersInspectionHandlerOption inspected)
{
    var etag = Header(inspected, "ETag");
    Expect(etag is not null, "the answer sends an ETag");
    return etag!;
}

// Every change: the ETag it is based on, and a key that makes a retry safe.
static void Change<T>(RequestConfiguration<T> config, string etag, HeadersInspectionHandlerOption? inspect = null) where T : class, new()
{
    config.Headers.Add("If-Match", etag);
    config.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
    if (inspect is not null)
    {
        config.Options.Add(inspect);
    }
}

// Kiota answers a 304 with null, as it does a 204: there is no body to parse. These GETs never answer 204.
static async Task<bool> NotModifiedAsync<T>(Func<Task<T?>> call) where T : class => await call() is null;
