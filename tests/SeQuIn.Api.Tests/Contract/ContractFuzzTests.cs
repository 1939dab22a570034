using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CsCheck;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Framework;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Contract;

/// <summary>
/// Property-based: requests generated from the committed contract's schemas, for every operation, by callers of
/// every role, with real ids mixed in. Whatever arrives, the answer is never a 5xx, and every 4xx is RFC 9457
/// problem+json. Runs on a host of its own, since generated requests may activate a framework version.
/// </summary>
[Collection(SweepingApiCollection.Name)]
public sealed class ContractFuzzTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private const int Requests = 6_000;

    [Fact]
    public async Task Thousands_of_requests_generated_from_the_contract_never_get_a_5xx_and_every_4xx_is_a_problem()
    {
        var app = await Fixture.CreateIsolatedAppAsync();
        var world = await CreateWorldAsync(app);
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "openapi", "sequin.v1.json")))!;
        var operations = ContractOperation.All(document);
        Assert.True(operations.Count >= 60, $"The contract lists {operations.Count} operations.");
        using var client = app.CreateClient();
        var sent = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

        await Gen.OneOf(operations.Select(o => (IGen<GeneratedRequest>)new ContractRequestGen(document, o, world)).ToArray())
            .SampleAsync(async request =>
            {
                using var message = request.ToMessage();
                using var response = await client.SendAsync(message);
                var body = await response.Content.ReadAsStringAsync();
                Interlocked.Increment(ref sent);
                statuses.AddOrUpdate(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                if (Environment.GetEnvironmentVariable("SEQUIN_FUZZ_COLLECT") is not null && ((int)response.StatusCode >= 500 || ((int)response.StatusCode >= 400 && response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or Api.Fhir.FhirNames.MediaType))))
                {
                    Console.WriteLine($"FUZZ {(int)response.StatusCode} {request}\n  => {body[..Math.Min(300, body.Length)]}");
                    return;
                }
                Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {body}");
                if ((int)response.StatusCode >= 400 && request.Url.StartsWith("/fhir", StringComparison.Ordinal))
                {
                    // The FHIR facade's errors are OperationOutcomes (ADR 0038), the REST API's problem details.
                    Assert.True(response.Content.Headers.ContentType?.MediaType == Api.Fhir.FhirNames.MediaType,
                        $"{(int)response.StatusCode} answered with {response.Content.Headers.ContentType}: {body}");
                    Assert.Equal("OperationOutcome", JsonNode.Parse(body)?["resourceType"]?.GetValue<string>());
                }
                else if ((int)response.StatusCode >= 400)
                {
                    Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                        $"{(int)response.StatusCode} answered with {response.Content.Headers.ContentType}: {body}");
                    Assert.NotNull(JsonNode.Parse(body)?["status"]);
                }
            }, iter: Requests, threads: 2, print: r => r.ToString());

        if (Environment.GetEnvironmentVariable("SEQUIN_FUZZ_COLLECT") is not null)
        {
            foreach (var line in app.Logs.Lines.Where(l => l.Contains("Unhandled exception", StringComparison.Ordinal)))
            {
                Console.WriteLine("LOG " + string.Join(" | ", line.Split('\n').Take(4)));
            }
        }
        Assert.True(sent >= 5_000, $"Only {sent} requests were sent.");
        // The generator must reach past the front door: a run of only 400s and 404s would prove little.
        Assert.True(statuses.Keys.Count(s => s.StartsWith('2')) >= 1 && statuses.GetValueOrDefault("200") > Requests / 20,
            $"Answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
    }

    /// <summary>A network with units, an assessment in each state, evidence, a draft framework version, keys and memberships.</summary>
    private async Task<FuzzWorld> CreateWorldAsync(SeQuInApp app)
    {
        var national = app.CreateClient(Fixture.NationalAdminToken);
        async Task<T> Post<T>(string url, object body) =>
            await AssessmentDriver.ReadAsync<T>(await national.PostAsync(url, JsonContent.Create(body, body.GetType(), options: Json.Options)));

        var assessments = await AssessmentWorld.CreateAsync(app, national);
        var collaborative = await Post<CollaborativeResponse>("/api/v1/collaboratives", new CreateCollaborativeRequest(UniqueCode("C"), "Collaborative"));
        var provider = await Post<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "Provider", ProviderSector.Independent));
        var medium = await Post<UnitResponse>("/api/v1/units",
            new CreateUnitRequest(UniqueCode("U"), "Medium unit", SecurityLevel.Medium, provider.Id, assessments.Network.Id, collaborative.Id));
        var draft = await assessments.Member.RateAllAsync(await assessments.Member.CreateAsync());
        draft = await AssessmentDriver.ReadAsync<AssessmentDetail>(await assessments.Member.SendAsync(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence",
            new EvidenceInput(EvidenceKind.Minutes, "Minutes", "Chaired by a service user.", StandardCode: "INV-02"), AssessmentDriver.ETagOf(draft)));
        var (submitted, evidenceId) = await assessments.Member.CreateSubmittedAsync();
        var version = FrameworkDocuments.UniqueIdentifier();
        await Post<FrameworkVersionDetail>("/api/v1/frameworks", FrameworkDocuments.Small(version));

        var subject = Guid.NewGuid().ToString();
        var memberships = new List<Guid>();
        foreach (var (role, scope) in new (Role, ScopeInput)[]
                 {
                     (Role.NetworkAdmin, new ScopeInput(ScopeKind.National)),
                     (Role.InvolvementLead, new ScopeInput(ScopeKind.Network, assessments.Network.Id)),
                     (Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [assessments.Unit.Id, medium.Id])),
                 })
        {
            memberships.Add((await Post<MembershipResponse>("/api/v1/memberships",
                new CreateMembershipRequest(TestIdentityProvider.Issuer, subject, "Every role", role, scope))).Id);
        }
        var other = await Post<MembershipResponse>("/api/v1/memberships",
            new CreateMembershipRequest(TestIdentityProvider.Issuer, Guid.NewGuid().ToString(), "Analyst", Role.Analyst, new ScopeInput(ScopeKind.Network, assessments.Network.Id)));
        var analystKey = await Post<CreatedApiKeyResponse>("/api/v1/keys", new CreateApiKeyRequest("Analyst", Role.Analyst, new ScopeInput(ScopeKind.Network, assessments.Network.Id)));
        var memberKey = await Post<CreatedApiKeyResponse>("/api/v1/keys", new CreateApiKeyRequest("Member", Role.UnitMember, new ScopeInput(ScopeKind.Units, UnitIds: [medium.Id])));

        string[] Ids(params Guid[] ids) => ids.Select(i => i.ToString()).ToArray();
        return new FuzzWorld(
            new Dictionary<string, IReadOnlyList<string>>
            {
                ["assessmentId"] = Ids(draft.Id, submitted.Id),
                ["evidenceId"] = Ids(draft.Evidence.Single().Id, evidenceId),
                ["unitId"] = Ids(assessments.Unit.Id, assessments.OtherUnit.Id, medium.Id),
                ["unitIds"] = Ids(assessments.Unit.Id, medium.Id),
                ["buddyUnitId"] = Ids(assessments.OtherUnit.Id, medium.Id),
                ["networkId"] = Ids(assessments.Network.Id),
                ["providerId"] = Ids(provider.Id),
                ["collaborativeId"] = Ids(collaborative.Id),
                ["membershipId"] = Ids(other.Id),
                ["keyId"] = Ids(analystKey.Key.Id),
                // FHIR read ids: Organization ids are SeQuIn ids, Questionnaire ids name a framework version.
                ["id"] = [.. Ids(assessments.Unit.Id, provider.Id, collaborative.Id, assessments.Network.Id), Api.Fhir.FhirQuestionnaires.IdOf("2021.1"), Api.Fhir.FhirQuestionnaires.IdOf(version)],
            },
            // Mostly the caller holding every role, so each endpoint's own checks are what answers.
            [TestIdentityProvider.Token(subject), TestIdentityProvider.Token(subject), TestIdentityProvider.Token(subject), analystKey.Token, memberKey.Token, Fixture.NationalAdminToken],
            [assessments.Unit.Code, medium.Code, "INV", "RAS", "INV-01", "RAS-01", "TEC-02", collaborative.Code, provider.Code],
            ["active", "2021.1", version, FrameworkDocuments.UniqueIdentifier()],
            [AssessmentDriver.ETagOf(draft), AssessmentDriver.ETagOf(submitted), "\"1\"", "\"2\"", "\"3\""]);
    }
}
