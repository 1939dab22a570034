using System.Text.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Changes;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private static readonly ApiKeyResponse Key = new(Guid.Parse("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"), "3f9c2a7d1e4b", "Ridings reporting pipeline",
        Role.Analyst, new ScopeResponse(ScopeKind.Collaborative, null, CollaborativeId, []), true,
        Created, "key:7a1c9e3b5d2f", Created.AddDays(90), Created.AddDays(3), null, null, null);

    private static readonly MembershipResponse Membership = new(Guid.Parse("6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a"), "https://id.example.org/realms/sequin",
        "b7e3f1c2-5a94-4d08-9e6b-2c1f7a3d8e40", "Involvement lead, Ridings collaborative", Role.InvolvementLead,
        new ScopeResponse(ScopeKind.Network, NetworkId, null, []), true, Created, "key:7a1c9e3b5d2f", null, null);

    private static readonly AuditEventResponse UnitUpdated = new(184_223, Created, "key:7a1c9e3b5d2f", "unit.updated", "unit", UnitId.ToString(), NetworkId,
        null, JsonDocument.Parse("""{"securityLevel":{"from":"low","to":"medium"}}""").RootElement, TraceId);

    private static IEnumerable<(Type Type, object Example)> Access() =>
    [
        (typeof(CreateApiKeyRequest), new CreateApiKeyRequest(Key.Name, Role.Analyst, new ScopeInput(ScopeKind.Collaborative, CollaborativeId: CollaborativeId),
            new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero))),
        (typeof(ApiKeyResponse), Key),
        (typeof(Page<ApiKeyResponse>), new Page<ApiKeyResponse>([Key], null, 100)),
        (typeof(CreatedApiKeyResponse), new CreatedApiKeyResponse(Key, "sqn_k_3f9c2a7d1e4b_q7XbV2mZ0tLk9wRcN4yHs8PdJ6fGa1uE3iOx5vBnKeY")),
        (typeof(RotateApiKeyRequest), new RotateApiKeyRequest(7, new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero))),
        (typeof(RevokeRequest), new RevokeRequest("The reporting pipeline moved to the collaborative's new warehouse; its old host is being decommissioned.")),
        (typeof(CreateMembershipRequest), new CreateMembershipRequest(Membership.Issuer, Membership.Subject, Membership.Name, Role.InvolvementLead,
            new ScopeInput(ScopeKind.Network, NetworkId))),
        (typeof(MembershipResponse), Membership),
        (typeof(Page<MembershipResponse>), new Page<MembershipResponse>([Membership], null, 100)),
        (typeof(AuditEventResponse), UnitUpdated),
        (typeof(Page<AuditEventResponse>), new Page<AuditEventResponse>(
            [UnitUpdated, new AuditEventResponse(184_230, Created.AddHours(2), UnitMemberKey, "assessment.submitted", "assessment", AssessmentId.ToString(),
                NetworkId, null, JsonDocument.Parse("""{"status":{"from":"draft","to":"submitted"}}""").RootElement, TraceId)],
            "eyJpIjoxODQyMzB9", 100)),
        (typeof(ChangePage), new ChangePage(
            [new ChangeEntry("azo5MDQ1MTIuNTUxMjA", Created, ChangeKinds.AssessmentSubmitted, "assessment", AssessmentId, 7, UnitId, NetworkId,
                 $"/api/v1/assessments/{AssessmentId}", null),
             new ChangeEntry("azo5MDQ2MDEuNTUxMzM", Created.AddHours(3), ChangeKinds.AssessmentReturned, "assessment", AssessmentId, 8, UnitId, NetworkId,
                 $"/api/v1/assessments/{AssessmentId}", JsonDocument.Parse(
                     """{"withdrawn":{"unitId":""" + "\"" + UnitId + "\"" +
                     ""","areaCode":"INV","month":"2026-10","frameworkVersion":"2021.1","mean":2.67,"percentage":66.7,"agreedRating":3,"applicableStandards":10}}""").RootElement)],
            "azo5MDQ2MDEuNTUxMzM", false, 100)),
    ];
}
