using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Confirmations;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Framework;
using SeQuIn.Api.Tests.Infrastructure;
using SeQuIn.Api.Webhooks;

namespace SeQuIn.Api.Tests.Access;

/// <summary>
/// Every mapped endpoint against every persona. An endpoint without a row fails the test, so every new endpoint
/// must say here who may call it. Expectations, one letter per persona in <see cref="AccessWorld.Personas"/> order:
/// A allowed (anything but 401, 403 or 404), F 403, H 404 (the caller may not know it exists), U 401. Commissioners
/// (of network A, of collaborative A) are refused every endpoint about single units with 403, whatever their scope.
/// </summary>
[Collection(SweepingApiCollection.Name)]
public sealed class AuthorizationMatrixTests(SeQuInApiFixture fixture) : IAsyncLifetime
{
    //                                      national  admin-a  admin-b  member-a  member-b  lead-a  analyst-a  analyst-other  anonymous  expired  revoked  commissioner-a  commissioner-collaborative-a
    private const string Open /*         */ = "A A A A A A A A A U U A A";
    private const string SignedIn /*     */ = "A A A A A A A A U U U A A";
    // Data about single units (results, drafts, evidence, the change feed): every role but commissioner (403).
    private const string UnitLevel /*    */ = "A A A A A A A A U U U F F";
    private const string AnyAdmin /*     */ = "A A A F F F F F U U U F F";
    private const string AdminOfA /*     */ = "A A F F F F F F U U U F F";
    private const string NationalOnly /* */ = "A F F F F F F F U U U F F";
    private const string AdminOfAOnly /* */ = "A A H F F F F F U U U F F";
    private const string DraftsHidden /* */ = "A A A H H H H H H U U H H";
    private const string DraftsOfA /*    */ = "A A H A H A H H U U U F F";
    private const string SubmittedOfANetwork = "A A H A H A A H U U U F F";
    private const string MemberOfA /*    */ = "F F F A F F F F U U U F F";
    private const string EditsOfA /*     */ = "F F F A H F F F U U U F F";
    private const string LeadOfA /*      */ = "F F F F F A F F U U U F F";
    private const string ReopensOfA /*   */ = "A A H F F F F F U U U F F";
    private const string CommentsOnA /*  */ = "A A H A H A F F U U U F F";
    // Only the service user, with the code and without credentials: staff cannot confirm on their behalf.
    private const string ServiceUserOnly = "F F F F F F F F A U U F F";
    private const string Commenters /*   */ = "A A A A A A F F U U U F F";
    private const string DeclinesOfA /*  */ = "A A H F H A F F U U U F F";
    private const string OpenDraft /*    */ = "A A A A A A H H H U U H H";
    // FHIR reads a draft framework version as the REST API does, but only signed in (anonymous callers read only metadata).
    private const string FhirDraft /*    */ = "A A A H H H H H U U U H H";
    // A bulk export is its caller's alone: the national administrator's, here (ADR 0039).
    private const string NationalsOwn /* */ = "A H H H H H H H U U U H H";

    private AccessWorld _world = null!;
    private (string Code, string Month)? _published;
    private UnitResponse? _buddyOfA;
    private SeQuInApp _app = null!;

    public async Task InitializeAsync()
    {
        // Every persona's row of a bulk export makes an export of the national administrator's.
        _app = await fixture.CreateIsolatedAppAsync(new Dictionary<string, string?> { ["SeQuIn:Fhir:Export:MaxJobsPerCaller"] = "1000" });
        _world = await AccessWorld.CreateAsync(_app, fixture.NationalAdminToken);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private IEnumerable<(string Endpoint, string Expect, Func<Task<HttpRequestMessage>> Request)> Rows()
    {
        var w = _world;
        Task<HttpRequestMessage> Get(string url) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, url));
        Task<HttpRequestMessage> Send(HttpMethod method, string url, object? body = null) => Task.FromResult(new HttpRequestMessage(method, url)
        {
            Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: Json.Options),
        });
        async Task<string> Draft()
        {
            var identifier = FrameworkDocuments.UniqueIdentifier();
            await w.PostAsync<FrameworkVersionDetail>("/api/v1/frameworks", FrameworkDocuments.Small(identifier));
            return identifier;
        }
        // Activation changes what later rows rate against, so what is activated is the shipped content.
        async Task<string> ShippedDraft()
        {
            var identifier = FrameworkDocuments.UniqueIdentifier();
            await w.PostAsync<FrameworkVersionDetail>("/api/v1/frameworks", FrameworkDocuments.Shipped(identifier));
            return identifier;
        }
        async Task<string> DraftOpenForComment()
        {
            var identifier = FrameworkDocuments.UniqueIdentifier();
            await w.PostAsync<FrameworkVersionDetail>("/api/v1/frameworks", FrameworkDocuments.Small(identifier) with { OpenForComment = true });
            return identifier;
        }
        // A service user's comment from unit A, on the active version.
        async Task<Guid> FrameworkCommentOfA()
        {
            var response = await w.ClientFor("member-a").PostAsync("/api/v1/frameworks/active/standards/INV-01/comments",
                JsonContent.Create(new FrameworkCommentRequest(CommentVoice.ServiceUser, "The meeting is too early in the day."), options: Json.Options));
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<FrameworkCommentResponse>(Json.Options))!.Id;
        }
        async Task<Guid> KeyOfA() => (await w.CreateKeyAsync(Role.Analyst, new ScopeInput(ScopeKind.Network, w.NetworkA.Id))).Key.Id;
        async Task<Guid> MembershipOfA() => (await w.PostAsync<MembershipResponse>("/api/v1/memberships", NewMembership())).Id;
        CreateMembershipRequest NewMembership() => new(TestIdentityProvider.Issuer, Guid.NewGuid().ToString(), "Lead", Role.InvolvementLead,
            new ScopeInput(ScopeKind.Network, w.NetworkA.Id));
        var a = w.NetworkA;
        var unit = w.UnitA;

        yield return ("GET /health/live", Open, () => Get("/health/live"));
        yield return ("GET /health/ready", Open, () => Get("/health/ready"));
        // The reference and the contract it shows are for everyone, key or not (Common/ApiReference.cs).
        yield return ("GET /openapi/sequin.v1.json", Open, () => Get("/openapi/sequin.v1.json"));
        yield return ("GET /docs/{documentName?}", Open, () => Get("/docs/"));
        yield return ("GET /docs/scalar.js", Open, () => Get("/docs/scalar.js"));
        yield return ("GET /docs/scalar.aspnetcore.js", Open, () => Get("/docs/scalar.aspnetcore.js"));
        yield return ("GET /docs/favicon.svg", Open, () => Get("/docs/favicon.svg"));

        yield return ("GET /api/v1/frameworks", Open, () => Get("/api/v1/frameworks"));
        yield return ("GET /api/v1/frameworks/active", Open, () => Get("/api/v1/frameworks/active"));
        yield return ("GET /api/v1/frameworks/{identifier}", Open, () => Get("/api/v1/frameworks/2021.1"));
        yield return ("GET /api/v1/frameworks/{identifier}", DraftsHidden, async () => await Get($"/api/v1/frameworks/{await Draft()}"));
        yield return ("GET /api/v1/frameworks/{identifier}/scale", Open, () => Get("/api/v1/frameworks/active/scale"));
        yield return ("GET /api/v1/frameworks/{identifier}/scale", DraftsHidden, async () => await Get($"/api/v1/frameworks/{await Draft()}/scale"));
        yield return ("GET /api/v1/frameworks/{identifier}/areas/{areaCode}", Open, () => Get("/api/v1/frameworks/2021.1/areas/INV"));
        yield return ("GET /api/v1/frameworks/{identifier}/standards/{standardCode}", Open, () => Get("/api/v1/frameworks/2021.1/standards/INV-01"));
        yield return ("GET /api/v1/frameworks/{identifier}/diff", DraftsHidden, async () => await Get($"/api/v1/frameworks/{await Draft()}/diff"));
        yield return ("POST /api/v1/frameworks", NationalOnly, () => Send(HttpMethod.Post, "/api/v1/frameworks", FrameworkDocuments.Small(FrameworkDocuments.UniqueIdentifier())));
        yield return ("PUT /api/v1/frameworks/{identifier}", NationalOnly, async () =>
        {
            var identifier = await Draft();
            return await Send(HttpMethod.Put, $"/api/v1/frameworks/{identifier}", FrameworkDocuments.Small(identifier));
        });
        yield return ("DELETE /api/v1/frameworks/{identifier}", NationalOnly, async () => await Send(HttpMethod.Delete, $"/api/v1/frameworks/{await Draft()}"));
        yield return ("GET /api/v1/frameworks/{identifier}", OpenDraft, async () => await Get($"/api/v1/frameworks/{await DraftOpenForComment()}"));
        yield return ("POST /api/v1/frameworks/{identifier}/standards/{standardCode}/comments", Commenters, () =>
            Send(HttpMethod.Post, "/api/v1/frameworks/active/standards/INV-01/comments", new FrameworkCommentRequest(CommentVoice.Staff, "Clearer, please.")));
        yield return ("GET /api/v1/frameworks/{identifier}/comments", Commenters, () => Get("/api/v1/frameworks/active/comments"));
        yield return ("GET /api/v1/frameworks/{identifier}/comments/by-standard", Commenters, () => Get("/api/v1/frameworks/active/comments/by-standard?areaCode=INV"));
        yield return ("GET /api/v1/frameworks/{identifier}/comments/{commentId}", CommentsOnA, async () =>
            await Get($"/api/v1/frameworks/active/comments/{await FrameworkCommentOfA()}"));
        yield return ("POST /api/v1/frameworks/{identifier}/comments/{commentId}/decline", DeclinesOfA, async () =>
            await Send(HttpMethod.Post, $"/api/v1/frameworks/active/comments/{await FrameworkCommentOfA()}/decline", new DeclineFrameworkCommentRequest("Not this time.")));
        yield return ("POST /api/v1/frameworks/{identifier}/activate", NationalOnly, async () => await Send(HttpMethod.Post, $"/api/v1/frameworks/{await ShippedDraft()}/activate"));

        yield return ("GET /api/v1/networks", SignedIn, () => Get("/api/v1/networks"));
        yield return ("GET /api/v1/networks/{networkId}", SignedIn, () => Get($"/api/v1/networks/{a.Id}"));
        yield return ("POST /api/v1/networks", NationalOnly, () => Send(HttpMethod.Post, "/api/v1/networks", new CreateNetworkRequest(AccessWorld.Code("N"), "New")));
        yield return ("PUT /api/v1/networks/{networkId}", AdminOfA, () => Send(HttpMethod.Put, $"/api/v1/networks/{a.Id}", new UpdateNetworkRequest("Network A", true, null, false, PublishSummaries: true)));

        yield return ("GET /api/v1/collaboratives", SignedIn, () => Get("/api/v1/collaboratives"));
        yield return ("GET /api/v1/collaboratives/{collaborativeId}", SignedIn, () => Get($"/api/v1/collaboratives/{w.CollaborativeA.Id}"));
        yield return ("POST /api/v1/collaboratives", NationalOnly, () => Send(HttpMethod.Post, "/api/v1/collaboratives", new CreateCollaborativeRequest(AccessWorld.Code("C"), "New")));
        yield return ("PUT /api/v1/collaboratives/{collaborativeId}", NationalOnly, () =>
            Send(HttpMethod.Put, $"/api/v1/collaboratives/{w.CollaborativeA.Id}", new UpdateCollaborativeRequest("Collaborative A", true)));

        yield return ("GET /api/v1/providers", SignedIn, () => Get("/api/v1/providers"));
        yield return ("GET /api/v1/providers/{providerId}", SignedIn, () => Get($"/api/v1/providers/{w.Provider.Id}"));
        yield return ("POST /api/v1/providers", AnyAdmin, () => Send(HttpMethod.Post, "/api/v1/providers", new CreateProviderRequest(AccessWorld.Code("P"), "New", ProviderSector.Independent)));
        // The world's provider runs a unit in each network: only a national admin covers all of it.
        yield return ("PUT /api/v1/providers/{providerId}", NationalOnly, () =>
            Send(HttpMethod.Put, $"/api/v1/providers/{w.Provider.Id}", new UpdateProviderRequest("Provider", ProviderSector.Nhs, true)));
        // A provider without units yet moves nobody's comparisons: any admin may still correct it.
        yield return ("PUT /api/v1/providers/{providerId}", AnyAdmin, async () =>
        {
            var provider = await w.PostAsync<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(AccessWorld.Code("P"), "Unused", ProviderSector.Nhs));
            return await Send(HttpMethod.Put, $"/api/v1/providers/{provider.Id}", new UpdateProviderRequest("Unused", ProviderSector.Independent, true));
        });
        yield return ("PUT /api/v1/providers/{providerId}", AdminOfA, async () =>
        {
            var provider = await w.PostAsync<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(AccessWorld.Code("P"), "Of A", ProviderSector.Nhs));
            await w.PostAsync<UnitResponse>("/api/v1/units", new CreateUnitRequest(AccessWorld.Code("U"), "Only in A", SecurityLevel.Low, provider.Id, a.Id));
            return await Send(HttpMethod.Put, $"/api/v1/providers/{provider.Id}", new UpdateProviderRequest("Of A", ProviderSector.Independent, true));
        });

        yield return ("GET /api/v1/units", SignedIn, () => Get("/api/v1/units"));
        yield return ("GET /api/v1/units/{unitId}", SignedIn, () => Get($"/api/v1/units/{unit.Id}"));
        yield return ("POST /api/v1/units", AdminOfA, () => Send(HttpMethod.Post, "/api/v1/units",
            new CreateUnitRequest(AccessWorld.Code("U"), "New", SecurityLevel.Low, w.Provider.Id, a.Id)));
        yield return ("PUT /api/v1/units/{unitId}", AdminOfA, () => Send(HttpMethod.Put, $"/api/v1/units/{unit.Id}",
            new UpdateUnitRequest("Unit A", SecurityLevel.Low, w.Provider.Id, a.Id, true, w.CollaborativeA.Id)));
        yield return ("POST /api/v1/units/{unitId}/deactivate", AdminOfA, () => Send(HttpMethod.Post, $"/api/v1/units/{unit.Id}/deactivate"));
        yield return ("POST /api/v1/units/{unitId}/reactivate", AdminOfA, () => Send(HttpMethod.Post, $"/api/v1/units/{unit.Id}/reactivate"));

        yield return ("GET /api/v1/keys", AnyAdmin, () => Get("/api/v1/keys"));
        yield return ("GET /api/v1/keys/{keyId}", AdminOfAOnly, async () => await Get($"/api/v1/keys/{await KeyOfA()}"));
        yield return ("POST /api/v1/keys", AdminOfA, () => Send(HttpMethod.Post, "/api/v1/keys",
            new CreateApiKeyRequest("New", Role.Analyst, new ScopeInput(ScopeKind.Network, a.Id))));
        yield return ("POST /api/v1/keys/{keyId}/revoke", AdminOfAOnly, async () => await Send(HttpMethod.Post, $"/api/v1/keys/{await KeyOfA()}/revoke", new RevokeRequest("Matrix")));
        yield return ("POST /api/v1/keys/{keyId}/rotate", AdminOfAOnly, async () => await Send(HttpMethod.Post, $"/api/v1/keys/{await KeyOfA()}/rotate", new RotateApiKeyRequest()));

        yield return ("GET /api/v1/memberships", AnyAdmin, () => Get("/api/v1/memberships"));
        yield return ("GET /api/v1/memberships/{membershipId}", AdminOfAOnly, async () => await Get($"/api/v1/memberships/{await MembershipOfA()}"));
        yield return ("POST /api/v1/memberships", AdminOfA, () => Send(HttpMethod.Post, "/api/v1/memberships", NewMembership()));
        yield return ("POST /api/v1/memberships/{membershipId}/revoke", AdminOfAOnly, async () =>
            await Send(HttpMethod.Post, $"/api/v1/memberships/{await MembershipOfA()}/revoke", new RevokeRequest("Matrix")));

        yield return ("GET /api/v1/audit-events", AnyAdmin, () => Get("/api/v1/audit-events"));
        // Everyone signed in but commissioners may follow the feed (its entries are per unit); what each sees in it is scoped (ChangeFeedTests).
        yield return ("GET /api/v1/changes", UnitLevel, () => Get("/api/v1/changes?limit=1"));

        // Webhooks: a network's subscriptions are its administrators' (one they do not manage does not exist for them);
        // a collaborative's, of administrators of every network its units are in. Nobody is listening on port 9.
        const string hook = "http://127.0.0.1:9/hooks";
        async Task<Guid> SubscriptionOfA() =>
            (await w.PostAsync<CreatedSubscription>("/api/v1/webhooks/subscriptions", new CreateSubscriptionRequest(hook, [], a.Id, null, null))).Subscription.Id;
        async Task<(Guid Subscription, Guid Delivery)> DeliveryOfA()
        {
            var subscription = await SubscriptionOfA();
            var delivery = await w.PostAsync<DeliveryResponse>($"/api/v1/webhooks/subscriptions/{subscription}/test", new { });
            return (subscription, delivery.Id);
        }
        yield return ("GET /api/v1/webhooks/subscriptions", AnyAdmin, () => Get("/api/v1/webhooks/subscriptions"));
        yield return ("POST /api/v1/webhooks/subscriptions", AdminOfA, () => Send(HttpMethod.Post, "/api/v1/webhooks/subscriptions",
            new CreateSubscriptionRequest(hook, [], a.Id, null, "Matrix")));
        yield return ("POST /api/v1/webhooks/subscriptions", AdminOfA, () => Send(HttpMethod.Post, "/api/v1/webhooks/subscriptions",
            new CreateSubscriptionRequest(hook, [], null, w.CollaborativeA.Id, "Matrix")));
        yield return ("GET /api/v1/webhooks/subscriptions/{subscriptionId}", AdminOfAOnly, async () => await Get($"/api/v1/webhooks/subscriptions/{await SubscriptionOfA()}"));
        yield return ("PUT /api/v1/webhooks/subscriptions/{subscriptionId}", AdminOfAOnly, async () => await Send(HttpMethod.Put,
            $"/api/v1/webhooks/subscriptions/{await SubscriptionOfA()}", new UpdateSubscriptionRequest(hook, [], null, false)));
        yield return ("DELETE /api/v1/webhooks/subscriptions/{subscriptionId}", AdminOfAOnly, async () =>
            await Send(HttpMethod.Delete, $"/api/v1/webhooks/subscriptions/{await SubscriptionOfA()}"));
        yield return ("POST /api/v1/webhooks/subscriptions/{subscriptionId}/rotate-secret", AdminOfAOnly, async () =>
            await Send(HttpMethod.Post, $"/api/v1/webhooks/subscriptions/{await SubscriptionOfA()}/rotate-secret", new RotateSecretRequest(null)));
        yield return ("POST /api/v1/webhooks/subscriptions/{subscriptionId}/test", AdminOfAOnly, async () =>
            await Send(HttpMethod.Post, $"/api/v1/webhooks/subscriptions/{await SubscriptionOfA()}/test"));
        yield return ("GET /api/v1/webhooks/subscriptions/{subscriptionId}/deliveries", AdminOfAOnly, async () =>
            await Get($"/api/v1/webhooks/subscriptions/{await SubscriptionOfA()}/deliveries"));
        yield return ("GET /api/v1/webhooks/subscriptions/{subscriptionId}/deliveries/{deliveryId}", AdminOfAOnly, async () =>
        {
            var (subscription, delivery) = await DeliveryOfA();
            return await Get($"/api/v1/webhooks/subscriptions/{subscription}/deliveries/{delivery}");
        });
        yield return ("POST /api/v1/webhooks/subscriptions/{subscriptionId}/deliveries/{deliveryId}/redeliver", AdminOfAOnly, async () =>
        {
            var (subscription, delivery) = await DeliveryOfA();
            return await Send(HttpMethod.Post, $"/api/v1/webhooks/subscriptions/{subscription}/deliveries/{delivery}/redeliver");
        });

        var driver = new AssessmentDriver(w.ClientFor("member-a"), unit.Id);
        async Task<AssessmentDetail> DraftOfA() => await driver.CreateAsync();
        async Task<AssessmentDetail> SubmittedOfA() => (await driver.CreateSubmittedAsync()).Assessment;
        // Reads share one draft and one submission: every row that makes its own uses up one of the unit's months, and
        // a unit has only so many (AssessmentDriver.FreshMonth).
        Task<AssessmentDetail>? readDraft = null, readSubmitted = null;
        Task<AssessmentDetail> ReadDraftOfA() => readDraft ??= DraftOfA();
        Task<AssessmentDetail> ReadSubmittedOfA() => readSubmitted ??= SubmittedOfA();
        Task<HttpRequestMessage> Change(HttpMethod method, string url, AssessmentDetail assessment, object? body = null)
        {
            var message = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: Json.Options) };
            message.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(AssessmentDriver.ETagOf(assessment)));
            return Task.FromResult(message);
        }
        yield return ("GET /api/v1/assessments", UnitLevel, () => Get("/api/v1/assessments"));
        yield return ("GET /api/v1/assessments/{assessmentId}", DraftsOfA, async () => await Get($"/api/v1/assessments/{(await ReadDraftOfA()).Id}"));
        yield return ("GET /api/v1/assessments/{assessmentId}", SubmittedOfANetwork, async () => await Get($"/api/v1/assessments/{(await ReadSubmittedOfA()).Id}"));
        yield return ("GET /api/v1/assessments/{assessmentId}/history", DraftsOfA, async () => await Get($"/api/v1/assessments/{(await ReadDraftOfA()).Id}/history"));
        yield return ("GET /api/v1/assessments/{assessmentId}/evidence/{evidenceId}/file", DraftsOfA, async () =>
        {
            var (submitted, evidenceId) = await driver.CreateSubmittedAsync();
            return await Get($"/api/v1/assessments/{submitted.Id}/evidence/{evidenceId}/file");
        });
        yield return ("POST /api/v1/assessments", MemberOfA, () => Send(HttpMethod.Post, "/api/v1/assessments",
            new CreateAssessmentRequest(unit.Id, "RAS", AssessmentDriver.FreshMonth(unit.Id))));
        yield return ("PUT /api/v1/assessments/{assessmentId}/participants", EditsOfA, async () =>
        {
            var draft = await DraftOfA();
            return await Change(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/participants", draft, new ParticipantsRequest([new ParticipantInput(ParticipantRole.Advocate)]));
        });
        yield return ("PUT /api/v1/assessments/{assessmentId}/ratings", EditsOfA, async () =>
        {
            var draft = await DraftOfA();
            return await Change(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/ratings", draft, new RatingsRequest([new RatingInput("INV-01", 2)]));
        });
        yield return ("PUT /api/v1/assessments/{assessmentId}/agreed-rating", EditsOfA, async () =>
        {
            var draft = await DraftOfA();
            return await Change(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/agreed-rating", draft, new AgreedRatingRequest(2));
        });
        yield return ("POST /api/v1/assessments/{assessmentId}/evidence", EditsOfA, async () =>
        {
            var draft = await DraftOfA();
            return await Change(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/evidence", draft, new EvidenceInput(EvidenceKind.Policy, "Policy"));
        });
        yield return ("PUT /api/v1/assessments/{assessmentId}/evidence/{evidenceId}/file", EditsOfA, async () =>
        {
            var draft = await DraftOfA();
            var message = await Change(HttpMethod.Put, $"/api/v1/assessments/{draft.Id}/evidence/{Guid.NewGuid()}/file?fileName=a.txt", draft);
            message.Content = new StringContent("plain text", System.Text.Encoding.UTF8, "text/plain");
            return message;
        });
        yield return ("DELETE /api/v1/assessments/{assessmentId}/evidence/{evidenceId}", EditsOfA, async () =>
        {
            var draft = await DraftOfA();
            return await Change(HttpMethod.Delete, $"/api/v1/assessments/{draft.Id}/evidence/{Guid.NewGuid()}", draft);
        });
        yield return ("POST /api/v1/assessments/{assessmentId}/submit", EditsOfA, async () =>
        {
            var draft = await DraftOfA();
            return await Change(HttpMethod.Post, $"/api/v1/assessments/{draft.Id}/submit", draft);
        });
        yield return ("POST /api/v1/assessments/{assessmentId}/return", LeadOfA, async () =>
        {
            var submitted = await SubmittedOfA();
            return await Change(HttpMethod.Post, $"/api/v1/assessments/{submitted.Id}/return", submitted, new CommentRequest("Where are the minutes?"));
        });
        yield return ("POST /api/v1/assessments/{assessmentId}/reopen", ReopensOfA, async () =>
        {
            var submitted = await SubmittedOfA();
            return await Change(HttpMethod.Post, $"/api/v1/assessments/{submitted.Id}/reopen", submitted, new CommentRequest("A rating was entered wrongly."));
        });
        yield return ("POST /api/v1/assessments/{assessmentId}/comments", CommentsOnA, async () =>
            await Send(HttpMethod.Post, $"/api/v1/assessments/{(await SubmittedOfA()).Id}/comments", new CommentRequest("Good practice.")));
        // One submission per row, not one per persona: every persona but one is refused before it changes anything
        // (and assessment months, shared by the whole suite, are not spent). Each request issues a fresh code for it.
        var confirmable = new Dictionary<string, Task<AssessmentDetail>>();
        async Task<AssessmentDetail> Current(string row) =>
            await AssessmentDriver.ReadAsync<AssessmentDetail>(await w.ClientFor("member-a").GetAsync($"/api/v1/assessments/{(await (confirmable.TryGetValue(row, out var made) ? made : confirmable[row] = SubmittedOfA())).Id}"));
        async Task<string> CodeOfA(string row)
        {
            var submitted = await Current(row);
            if (submitted.Confirmation is not null)
            {
                confirmable.Remove(row);   // confirmed by the persona allowed to: the next needs a submission of its own
                submitted = await Current(row);
            }
            using var issue = await Change(HttpMethod.Post, $"/api/v1/assessments/{submitted.Id}/confirmation-codes", submitted);
            return (await AssessmentDriver.ReadAsync<IssuedCode>(await w.ClientFor("member-a").SendAsync(issue))).Code;
        }
        yield return ("POST /api/v1/assessments/{assessmentId}/confirmation-codes", EditsOfA, async () =>
        {
            var submitted = await Current("issue");
            return await Change(HttpMethod.Post, $"/api/v1/assessments/{submitted.Id}/confirmation-codes", submitted);
        });
        yield return ("GET /api/v1/confirmations/wording", Open, () => Get("/api/v1/confirmations/wording"));
        yield return ("POST /api/v1/confirmations/lookup", ServiceUserOnly, async () =>
            await Send(HttpMethod.Post, "/api/v1/confirmations/lookup", new CodeRequest(await CodeOfA("lookup"))));
        yield return ("POST /api/v1/confirmations", ServiceUserOnly, async () =>
            await Send(HttpMethod.Post, "/api/v1/confirmations", new ConfirmationRequest(await CodeOfA("confirm"), ConfirmationDecision.Agree)));
        yield return ("POST /api/v1/assessments/import", AnyAdmin, () => Send(HttpMethod.Post, "/api/v1/assessments/import?dryRun=true",
            new ImportDocument([new ImportRow(unit.Code, "INV", AssessmentDriver.FreshMonth(), "INV-01", 3)])));
        yield return ("GET /api/v1/evidence-library", UnitLevel, () => Get("/api/v1/evidence-library"));

        async Task<string> WithResults(string url)
        {
            await ReadSubmittedOfA();
            return url;
        }
        yield return ("GET /api/v1/benchmarks/units/{unitId}", SubmittedOfANetwork, async () => await Get(await WithResults($"/api/v1/benchmarks/units/{unit.Id}")));
        yield return ("GET /api/v1/benchmarks/units/{unitId}/areas/{areaCode}", SubmittedOfANetwork, async () =>
            await Get(await WithResults($"/api/v1/benchmarks/units/{unit.Id}/areas/INV")));
        yield return ("GET /api/v1/benchmarks/units/{unitId}/areas/{areaCode}/trend", SubmittedOfANetwork, () => Get($"/api/v1/benchmarks/units/{unit.Id}/areas/INV/trend"));
        foreach (var insight in new[] { "gaps", "heatmap", "best-practice?standardCode=INV-01", "participation", "agreement" })
        {
            var route = insight.Split('?')[0];
            yield return ($"GET /api/v1/networks/{{networkId}}/insight/{route}", SubmittedOfANetwork, () => Get($"/api/v1/networks/{a.Id}/insight/{insight}"));
        }
        // Pictures: the readers of the JSON they draw, and no one else (Pictures/PicturesApi.cs).
        yield return ("GET /api/v1/benchmarks/units/{unitId}/radar.svg", SubmittedOfANetwork, async () =>
            await Get(await WithResults($"/api/v1/benchmarks/units/{unit.Id}/radar.svg")));
        yield return ("GET /api/v1/benchmarks/units/{unitId}/areas/{areaCode}/trend.svg", SubmittedOfANetwork, () =>
            Get($"/api/v1/benchmarks/units/{unit.Id}/areas/INV/trend.svg"));
        yield return ("GET /api/v1/networks/{networkId}/insight/heatmap.svg", SubmittedOfANetwork, () => Get($"/api/v1/networks/{a.Id}/insight/heatmap.svg"));
        yield return ("GET /api/v1/networks/{networkId}/meeting-pack", SubmittedOfANetwork, () => Get($"/api/v1/networks/{a.Id}/meeting-pack"));
        yield return ("GET /api/v1/networks/{networkId}/public-summary", Open, async () => await Get(await WithResults($"/api/v1/networks/{a.Id}/public-summary")));
        yield return ("GET /api/v1/networks/{networkId}/public-summary", "H H H H H H H H H U U H H", () => Get($"/api/v1/networks/{w.NetworkB.Id}/public-summary"));
        // Roll-ups: a network's and a collaborative's readers, commissioners included; unit members are not offered them (403).
        yield return ("GET /api/v1/commissioning/networks/{networkId}/summary", "A A H F F A A H U U U A H", () => Get($"/api/v1/commissioning/networks/{a.Id}/summary"));
        yield return ("GET /api/v1/commissioning/collaboratives/{collaborativeId}/summary", "A A H F F A A H U U U A A", () =>
            Get($"/api/v1/commissioning/collaboratives/{w.CollaborativeA.Id}/summary"));
        // The world's provider has a unit in each network: every roll-up reader reaches one of them.
        yield return ("GET /api/v1/commissioning/providers/{providerId}/summary", "A A A F F A A A U U U A A", () =>
            Get($"/api/v1/commissioning/providers/{w.Provider.Id}/summary"));
        yield return ("GET /api/v1/commissioning/providers/{providerId}/summary", "A H A F F H H H U U U H H", async () =>
        {
            var provider = await w.PostAsync<ProviderResponse>("/api/v1/providers", new CreateProviderRequest(AccessWorld.Code("P"), "Only in B", ProviderSector.Nhs));
            await w.PostAsync<UnitResponse>("/api/v1/units", new CreateUnitRequest(AccessWorld.Code("U"), "Only in B", SecurityLevel.Low, provider.Id, w.NetworkB.Id));
            return await Get($"/api/v1/commissioning/providers/{provider.Id}/summary");
        });

        // Families: unit A published by its network's administrator, a share code issued by its lead, a submitted month.
        async Task<(string Code, string Month)> PublishedA()
        {
            if (_published is { } done)
            {
                return done;
            }
            var admin = w.ClientFor("admin-a");
            foreach (var (url, body) in new (string, object)[]
                     {
                         ($"/api/v1/networks/{a.Id}", new UpdateNetworkRequest("Network A", true, null, false, true, PublishToFamilies: true)),
                         ($"/api/v1/units/{unit.Id}", new UpdateUnitRequest("Unit A", SecurityLevel.Low, w.Provider.Id, a.Id, true, w.CollaborativeA.Id, true)),
                     })
            {
                var read = await admin.GetAsync(url);
                using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body, body.GetType(), options: Json.Options) };
                put.Headers.IfMatch.Add(read.Headers.ETag!);
                (await admin.SendAsync(put)).EnsureSuccessStatusCode();
            }
            var code = (await (await w.ClientFor("lead-a").PostAsync($"/api/v1/units/{unit.Id}/share-code", null))
                .Content.ReadFromJsonAsync<SeQuIn.Api.Families.ShareCodeResponse>(Json.Options))!.ShareCode;
            _published = (code, (await ReadSubmittedOfA()).Month);
            return _published.Value;
        }
        async Task<SeQuIn.Api.Families.FamilyResponseRequest> ResponseToA()
        {
            var (code, month) = await PublishedA();
            return new SeQuIn.Api.Families.FamilyResponseRequest(code, month, "INV", SeQuIn.Api.Families.FamilyVerdict.Concur);
        }
        async Task<HttpRequestMessage> Moderation()
        {
            (await w.ClientFor(AccessWorld.Anonymous).PostAsJsonAsync("/api/v1/public/family-responses", await ResponseToA(), Json.Options)).EnsureSuccessStatusCode();
            var pending = (await (await w.ClientFor("lead-a").GetAsync($"/api/v1/units/{unit.Id}/family-responses?status=pending&limit=1"))
                .Content.ReadFromJsonAsync<Page<SeQuIn.Api.Families.FamilyResponseView>>(Json.Options))!.Items.Single();
            var message = await Send(HttpMethod.Post, $"/api/v1/units/{unit.Id}/family-responses/{pending.Id}/moderation",
                new SeQuIn.Api.Families.ModerationRequest(SeQuIn.Api.Families.ModerationDecision.Approve));
            message.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{pending.Revision}\""));
            return message;
        }
        const string FamilyStaffOfA = "A A H F H A F H U U U F F";
        yield return ("POST /api/v1/units/{unitId}/share-code", FamilyStaffOfA, () => Send(HttpMethod.Post, $"/api/v1/units/{unit.Id}/share-code"));
        yield return ("GET /api/v1/units/{unitId}/family-responses", FamilyStaffOfA, () => Get($"/api/v1/units/{unit.Id}/family-responses"));
        yield return ("POST /api/v1/units/{unitId}/family-responses/{responseId}/moderation", LeadOfA, Moderation);
        yield return ("GET /api/v1/units/{unitId}/family-concurrence", "A A H A H A F H U U U F F", () => Get($"/api/v1/units/{unit.Id}/family-concurrence"));
        yield return ("GET /api/v1/networks/{networkId}/insight/family-concurrence", SubmittedOfANetwork, () => Get($"/api/v1/networks/{a.Id}/insight/family-concurrence"));
        // Unit-level (most improved units): as insight, commissioners 403 (ADR 0033), other networks 404.
        yield return ("GET /api/v1/networks/{networkId}/progress", SubmittedOfANetwork, () => Get($"/api/v1/networks/{a.Id}/progress"));
        // Anyone with a unit's share code, without a key; credentials that fail are refused wherever they are sent.
        yield return ("POST /api/v1/public/unit-pages", Open, async () => await Send(HttpMethod.Post, "/api/v1/public/unit-pages",
            new SeQuIn.Api.Families.UnitPageRequest((await PublishedA()).Code)));
        yield return ("POST /api/v1/public/family-responses", Open, async () => await Send(HttpMethod.Post, "/api/v1/public/family-responses", await ResponseToA()));
        // Buddying (ADR 0036): read as best practice is (the network's readers), recorded by the network's involvement leads.
        async Task<Guid> BuddyOfA() => (_buddyOfA ??= await w.PostAsync<UnitResponse>("/api/v1/units",
            new CreateUnitRequest(AccessWorld.Code("UA"), "Buddy of A", SecurityLevel.Low, w.Provider.Id, a.Id))).Id;
        async Task<Guid> PairingOfA()
        {
            var response = await w.ClientFor("lead-a").PostAsync($"/api/v1/units/{unit.Id}/buddy-pairings",
                JsonContent.Create(new SeQuIn.Api.Buddying.BuddyPairingRequest(await BuddyOfA(), "INV-01", null, "2026-01"), options: Json.Options));
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<SeQuIn.Api.Buddying.BuddyPairingResponse>(Json.Options))!.Id;
        }
        yield return ("GET /api/v1/units/{unitId}/buddy-suggestions", SubmittedOfANetwork, () => Get($"/api/v1/units/{unit.Id}/buddy-suggestions?standardCode=INV-01"));
        yield return ("GET /api/v1/units/{unitId}/buddy-pairings", SubmittedOfANetwork, () => Get($"/api/v1/units/{unit.Id}/buddy-pairings"));
        yield return ("GET /api/v1/units/{unitId}/buddy-pairings/{pairingId}", SubmittedOfANetwork, async () =>
            await Get($"/api/v1/units/{unit.Id}/buddy-pairings/{await PairingOfA()}"));
        yield return ("POST /api/v1/units/{unitId}/buddy-pairings", LeadOfA, async () => await Send(HttpMethod.Post, $"/api/v1/units/{unit.Id}/buddy-pairings",
            new SeQuIn.Api.Buddying.BuddyPairingRequest(await BuddyOfA(), null, "INV", "2026-01")));
        yield return ("POST /api/v1/units/{unitId}/buddy-pairings/{pairingId}/outcome", LeadOfA, async () =>
        {
            var message = await Send(HttpMethod.Post, $"/api/v1/units/{unit.Id}/buddy-pairings/{await PairingOfA()}/outcome",
                new SeQuIn.Api.Buddying.BuddyOutcomeRequest(SeQuIn.Api.Buddying.BuddyOutcome.Ended));
            message.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
            return message;
        });
        yield return ("GET /api/v1/networks/{networkId}/buddy-pairings", SubmittedOfANetwork, () => Get($"/api/v1/networks/{a.Id}/buddy-pairings"));
        yield return ("GET /api/v1/networks/{networkId}/buddy-pairings/summary", SubmittedOfANetwork, () => Get($"/api/v1/networks/{a.Id}/buddy-pairings/summary"));
        // Action plans and network priorities (ADR 0034): one submitted assessment of A carries every action made here.
        Task<AssessmentDetail>? planned = null;
        async Task<Guid> ActionOfA()
        {
            var assessment = await (planned ??= SubmittedOfA());
            var made = await w.ClientFor("member-a").PostAsJsonAsync("/api/v1/actions", new SeQuIn.Api.Actions.CreateActionRequest(assessment.Id, "INV-02",
                "Agenda set with service users.", SeQuIn.Api.Actions.ActionOwner.WardManager, "2030-01", "Minutes."), Json.Options);
            return (await AssessmentDriver.ReadAsync<SeQuIn.Api.Actions.ActionResponse>(made)).Id;
        }
        async Task<Guid> PriorityOfA() => (await w.PostAsync<SeQuIn.Api.Actions.PriorityResponse>($"/api/v1/networks/{a.Id}/priorities",
            new SeQuIn.Api.Actions.CreatePriorityRequest("INV-02", null, "A gap across the network.", null, "2030-01"))).Id;
        async Task<HttpRequestMessage> WithIfMatch(HttpMethod method, string url, object? body)
        {
            var message = await Send(method, url, body);
            message.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
            return message;
        }
        const string PlannersOfA = "F F F A H A F F U U U F F";
        const string PrioritySettersOfA = "A A H F F A F F U U U F F";
        yield return ("GET /api/v1/actions", UnitLevel, () => Get("/api/v1/actions?overdue=true"));
        yield return ("POST /api/v1/actions", PlannersOfA, async () => await Send(HttpMethod.Post, "/api/v1/actions",
            new SeQuIn.Api.Actions.CreateActionRequest((await (planned ??= SubmittedOfA())).Id, "INV-01", "Agenda set with service users.",
                SeQuIn.Api.Actions.ActionOwner.ServiceUserRepresentative, "2030-01", "Minutes.")));
        yield return ("GET /api/v1/actions/{actionId}", DraftsOfA, async () => await Get($"/api/v1/actions/{await ActionOfA()}"));
        yield return ("GET /api/v1/actions/{actionId}/history", DraftsOfA, async () => await Get($"/api/v1/actions/{await ActionOfA()}/history"));
        yield return ("POST /api/v1/actions/{actionId}/status", PlannersOfA, async () => await WithIfMatch(HttpMethod.Post,
            $"/api/v1/actions/{await ActionOfA()}/status", new SeQuIn.Api.Actions.ActionStatusRequest(SeQuIn.Api.Actions.ActionStatus.InProgress)));
        yield return ("PUT /api/v1/actions/{actionId}", PlannersOfA, async () => await WithIfMatch(HttpMethod.Put, $"/api/v1/actions/{await ActionOfA()}",
            new SeQuIn.Api.Actions.UpdateActionRequest("Agenda set with service users.", SeQuIn.Api.Actions.ActionOwner.Nurse, "2030-02", "Minutes.", 3)));
        yield return ("POST /api/v1/actions/{actionId}/comments", LeadOfA, async () => await Send(HttpMethod.Post,
            $"/api/v1/actions/{await ActionOfA()}/comments", new SeQuIn.Api.Actions.ActionCommentRequest("Ask the recovery college.")));
        yield return ("GET /api/v1/networks/{networkId}/priorities", SubmittedOfANetwork, () => Get($"/api/v1/networks/{a.Id}/priorities"));
        yield return ("POST /api/v1/networks/{networkId}/priorities", PrioritySettersOfA, () => Send(HttpMethod.Post, $"/api/v1/networks/{a.Id}/priorities",
            new SeQuIn.Api.Actions.CreatePriorityRequest(null, "INV", "A gap across the network.", 3, "2030-01")));
        yield return ("GET /api/v1/priorities/{priorityId}", SubmittedOfANetwork, async () => await Get($"/api/v1/priorities/{await PriorityOfA()}"));
        yield return ("GET /api/v1/priorities/{priorityId}/progress", SubmittedOfANetwork, async () => await Get($"/api/v1/priorities/{await PriorityOfA()}/progress"));
        yield return ("GET /api/v1/priorities/{priorityId}/progress.svg", SubmittedOfANetwork, async () =>
            await Get($"/api/v1/priorities/{await PriorityOfA()}/progress.svg"));
        yield return ("PUT /api/v1/priorities/{priorityId}", PrioritySettersOfA, async () => await WithIfMatch(HttpMethod.Put, $"/api/v1/priorities/{await PriorityOfA()}",
            new SeQuIn.Api.Actions.UpdatePriorityRequest("Still a gap.", 3, "2030-06", SeQuIn.Api.Actions.PriorityStatus.Closed)));
        yield return ("POST /api/v1/priorities/{priorityId}/actions", PrioritySettersOfA, async () => await Send(HttpMethod.Post,
            $"/api/v1/priorities/{await PriorityOfA()}/actions", new SeQuIn.Api.Actions.LinkActionRequest(await ActionOfA())));
        yield return ("DELETE /api/v1/priorities/{priorityId}/actions/{actionId}", PrioritySettersOfA, async () =>
        {
            var (priority, action) = (await PriorityOfA(), await ActionOfA());
            (await w.National.PostAsJsonAsync($"/api/v1/priorities/{priority}/actions", new SeQuIn.Api.Actions.LinkActionRequest(action), Json.Options)).EnsureSuccessStatusCode();
            return await Send(HttpMethod.Delete, $"/api/v1/priorities/{priority}/actions/{action}");
        });
        // FHIR facade (ADR 0038): the directory and the framework for every signed-in caller; the CapabilityStatement for anyone.
        yield return ("GET /fhir/metadata", Open, () => Get("/fhir/metadata"));
        yield return ("GET /fhir/Organization", SignedIn, () => Get($"/fhir/Organization?partof=Organization/{w.Provider.Id}"));
        yield return ("GET /fhir/Organization/{id}", SignedIn, () => Get($"/fhir/Organization/{unit.Id}"));
        yield return ("GET /fhir/Questionnaire", SignedIn, () => Get("/fhir/Questionnaire?version=2021.1"));
        yield return ("GET /fhir/Questionnaire/{id}", SignedIn, () => Get($"/fhir/Questionnaire/{Api.Fhir.FhirQuestionnaires.IdOf("2021.1")}"));
        yield return ("GET /fhir/Questionnaire/{id}", FhirDraft, async () => await Get($"/fhir/Questionnaire/{Api.Fhir.FhirQuestionnaires.IdOf(await Draft())}"));
        // Assessments and benchmarks as FHIR: exactly as GET /api/v1/assessments/{id} and the unit benchmark; Measures are definitions.
        yield return ("GET /fhir/QuestionnaireResponse", UnitLevel, () => Get($"/fhir/QuestionnaireResponse?subject=Organization/{unit.Id}"));
        yield return ("GET /fhir/QuestionnaireResponse/{id}", DraftsOfA, async () => await Get($"/fhir/QuestionnaireResponse/{(await ReadDraftOfA()).Id}"));
        yield return ("GET /fhir/QuestionnaireResponse/{id}", SubmittedOfANetwork, async () => await Get($"/fhir/QuestionnaireResponse/{(await ReadSubmittedOfA()).Id}"));
        yield return ("GET /fhir/Measure", SignedIn, () => Get($"/fhir/Measure?url={Uri.EscapeDataString(Api.Fhir.FhirNames.MeasureUrl("INV"))}"));
        yield return ("GET /fhir/Measure/{id}", SignedIn, () => Get("/fhir/Measure/sequin-area-inv"));
        yield return ("GET /fhir/MeasureReport", UnitLevel, () => Get($"/fhir/MeasureReport?subject=Organization/{unit.Id}"));
        yield return ("GET /fhir/MeasureReport/{id}", SubmittedOfANetwork, async () =>
        {
            var submitted = await ReadSubmittedOfA();
            return await Get($"/fhir/MeasureReport/{new Api.Fhir.ReportId(submitted.UnitId, "INV", Months.Parse(submitted.Month), Api.Fhir.ReportKind.Summary)}");
        });
        HttpRequestMessage KickOff()
        {
            var message = new HttpRequestMessage(HttpMethod.Get, "/fhir/$export?_type=Measure");
            message.Headers.Add("Prefer", "respond-async");
            return message;
        }
        async Task<string> NationalExport()
        {
            var status = (await w.National.SendAsync(KickOff())).Content.Headers.ContentLocation!.ToString();
            for (var polls = 0; polls < 600; polls++)
            {
                var answer = await w.National.GetAsync(status);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return status;
                }
                await Task.Delay(100);
            }
            throw new TimeoutException("The national administrator's export was not planned within a minute.");
        }
        Task<string>? readExport = null;
        Task<string> ReadExport() => readExport ??= NationalExport();
        yield return ("GET /fhir/$export", SignedIn, () => Task.FromResult(KickOff()));
        yield return ("GET /fhir/$export-status/{jobId}", NationalsOwn, async () => await Get(await ReadExport()));
        yield return ("GET /fhir/$export-file/{jobId}/{fileNumber}", NationalsOwn, async () =>
            await Get((await ReadExport()).Replace("$export-status/", "$export-file/", StringComparison.Ordinal) + "/1"));
        yield return ("DELETE /fhir/$export-status/{jobId}", NationalsOwn, async () => await Send(HttpMethod.Delete, await NationalExport()));
        yield return ("GET /api/v1/exports/ratings", UnitLevel, () => Get("/api/v1/exports/ratings"));
        yield return ("GET /api/v1/exports/ratings.csv", UnitLevel, () => Get("/api/v1/exports/ratings.csv"));
    }

    [Fact]
    public void Every_mapped_endpoint_has_a_row_in_the_matrix()
    {
        var mapped = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .ToHashSet();
        var covered = Rows().Select(r => r.Endpoint).ToHashSet();

        Assert.True(mapped.Count > 40, $"Only {mapped.Count} endpoints were found.");
        Assert.Empty(mapped.Except(covered));
        Assert.Empty(covered.Except(mapped));
    }

    [Fact]
    public async Task Every_persona_gets_the_expected_answer_from_every_endpoint()
    {
        var failures = new List<string>();
        foreach (var (endpoint, expect, request) in Rows())
        {
            var expected = expect.Split(' ');
            async Task<string?> AskAs(int i, HttpRequestMessage message)
            {
                var persona = AccessWorld.Personas[i];
                using var response = await _world.ClientFor(persona).SendAsync(message);
                var status = (int)response.StatusCode;
                var ok = expected[i] switch
                {
                    "A" => status is not (401 or 403 or 404) && status < 500,
                    "F" => status == 403,
                    "H" => status == 404,
                    "U" => status == 401 && response.Headers.WwwAuthenticate.Count > 0,
                    _ => throw new InvalidOperationException(expect),
                };
                if (!ok)
                {
                    return $"{endpoint} as {persona}: expected {expected[i]}, got {status} {await response.Content.ReadAsStringAsync()}";
                }
                // The FHIR facade answers errors as OperationOutcome (ADR 0038); the REST API as problem details.
                var errorType = endpoint.Contains(" /fhir/", StringComparison.Ordinal) ? Api.Fhir.FhirNames.MediaType : "application/problem+json";
                return status >= 400 && response.Content.Headers.ContentType?.MediaType != errorType
                    ? $"{endpoint} as {persona}: {status} answered as {response.Content.Headers.ContentType?.MediaType}, not {errorType}"
                    : null;
            }
            // Reads ask as every persona at once (both cores busy, a third of the time); changes one persona after the
            // other, since each may change what the next one finds.
            // The requests of a read are made first, one after the other, since making one may create what it asks about.
            var personas = Enumerable.Range(0, AccessWorld.Personas.Length);
            if (endpoint.StartsWith("GET ", StringComparison.Ordinal))
            {
                var messages = new List<HttpRequestMessage>();
                foreach (var _ in personas)
                {
                    messages.Add(await request());
                }
                failures.AddRange((await Task.WhenAll(personas.Select(i => AskAs(i, messages[i])))).OfType<string>());
                messages.ForEach(m => m.Dispose());
            }
            else
            {
                foreach (var i in personas)
                {
                    using var message = await request();
                    if (await AskAs(i, message) is { } failure)
                    {
                        failures.Add(failure);
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static string Normalise(string pattern) =>
        Regex.Replace(pattern, ":[^}]+}", "}").TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/";
}
