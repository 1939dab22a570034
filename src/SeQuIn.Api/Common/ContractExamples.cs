using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Organisations;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Common;

/// <summary>
/// Realistic examples of the main bodies — a unit, an assessment, a benchmark, their requests and the problems —
/// written as the records themselves, so that they compile against the contract types and are serialised with the
/// service's own JSON options. Contract/ContractExamplesTests validates each against its schema.
/// </summary>
internal sealed class ContractExamples : ISchemaFilter
{
    private static readonly Guid UnitId = Guid.Parse("3f6c2a9e-8d41-4b7a-9c55-1e2f0a7b4c13");
    private static readonly Guid NetworkId = Guid.Parse("a1d0c9b8-7e6f-4a5b-8c3d-2e1f0a9b8c7d");
    private static readonly Guid ProviderId = Guid.Parse("5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d");
    private static readonly Guid CollaborativeId = Guid.Parse("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b");
    private static readonly Guid AssessmentId = Guid.Parse("c7e2b1a0-3d4f-4e5a-9b6c-7d8e9f0a1b2c");
    private static readonly DateTimeOffset Created = new(2026, 11, 5, 13, 0, 21, TimeSpan.Zero);
    private const string TraceId = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static readonly UnitResponse Unit = new(UnitId, "RIDGE-MSU", "Ridgeview Medium Secure Unit", SecurityLevel.Medium,
        new OrganisationRef(ProviderId, "DEMO-NHS1", "Dalesbridge Health NHS Foundation Trust"), ProviderSector.Nhs,
        new OrganisationRef(NetworkId, "YH-DEMO", "Yorkshire and Humber Involvement Network"),
        new OrganisationRef(CollaborativeId, "PC-RIDINGS", "Ridings Secure Care Provider Collaborative"), true, Created, Created);

    private static readonly AreaResult Result = new(2.67m, 66.7m, 3, 3, 10, false);

    private static readonly AssessmentDetail Assessment = new(AssessmentId, UnitId, "RIDGE-MSU", NetworkId, "2021.1", "INV", "2026-10",
        AssessmentStatus.Draft, 3, "Community meetings are well attended; minutes are not yet shared on the ward.", Result, false, 4,
        [new ParticipantResponse(Guid.Parse("0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a"), ParticipantRole.Staff, "Ward nurse"),
         new ParticipantResponse(Guid.Parse("1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b"), ParticipantRole.ServiceUser, "SU1")],
        [new RatingResponse("INV-01", 3, false, null, 3, 2, true, "Meetings weekly; service users co-chair most of them."),
         new RatingResponse("INV-02", 2, false, null, 2, 2, false, null),
         new RatingResponse("INV-03", 3, false, null, null, null, false, null)],
        [new EvidenceResponse(Guid.Parse("2f3a4b5c-6d7e-4f8a-9b0c-1d2e3f4a5b6c"), "INV-01", EvidenceKind.Minutes, "Community meeting minutes, October",
            "Co-chaired by a service user; actions followed up the next week.", null, true,
            new EvidenceFileResponse("community-meeting-2026-10.pdf", "application/pdf", 184_320,
                $"/api/v1/assessments/{AssessmentId}/evidence/2f3a4b5c-6d7e-4f8a-9b0c-1d2e3f4a5b6c/file"),
            Created, "unit-member key RIDGE-MSU")],
        [], Created, "unit-member key RIDGE-MSU", Created.AddHours(2), null, null);

    private static readonly GroupFigures Figures = new(9, 1.4m, 2.1m, 2.5m, 2.9m, 3.6m, 2.48m, null);

    private static readonly UnitBenchmark UnitBenchmark = new(UnitId, "RIDGE-MSU", "2026-10", ComparisonGroup.Network,
        [new Benchmark("INV", 2.67m, 66.7m, 0.33m, 72.2m, null, Figures),
         new Benchmark("SAF", null, null, null, null, null, new GroupFigures(2, null, null, null, null, null, null,
             "Fewer than 3 units reported: figures are withheld so that no unit can be identified."))]);

    private static readonly Dictionary<Type, object> Examples = new()
    {
        [typeof(UnitResponse)] = Unit,
        [typeof(Page<UnitResponse>)] = new Page<UnitResponse>([Unit], "eyJrIjoiUklER0UtTVNVIn0", 100),
        [typeof(CreateUnitRequest)] = new CreateUnitRequest("RIDGE-MSU", "Ridgeview Medium Secure Unit", SecurityLevel.Medium, ProviderId, NetworkId, CollaborativeId),
        [typeof(UpdateUnitRequest)] = new UpdateUnitRequest("Ridgeview Medium Secure Unit", SecurityLevel.Medium, ProviderId, NetworkId, true, CollaborativeId),
        [typeof(AssessmentDetail)] = Assessment,
        [typeof(CreateAssessmentRequest)] = new CreateAssessmentRequest(UnitId, "INV", "2026-10",
            [new ParticipantInput(ParticipantRole.Staff, "Ward nurse"), new ParticipantInput(ParticipantRole.ServiceUser, "SU1")]),
        [typeof(RatingsRequest)] = new RatingsRequest(
            [new RatingInput("INV-01", 3, StaffView: 3, ServiceUserView: 2, Note: "Meetings weekly; service users co-chair most of them."),
             new RatingInput("INV-02", null, NotApplicable: true, NotApplicableReason: "No family-visits room on this ward yet.")]),
        [typeof(UnitBenchmark)] = UnitBenchmark,
        [typeof(ProblemDetails)] = Problem(),
        [typeof(HttpValidationProblemDetails)] = ValidationProblem(),
    };

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is OpenApiSchema concrete && Examples.TryGetValue(context.Type, out var example))
        {
            concrete.Examples = [example is JsonNode node ? node.DeepClone() : JsonSerializer.SerializeToNode(example, context.Type, Json.Options)!];
        }
    }

    private static JsonObject Problem() => new()
    {
        ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        ["title"] = "Not Found",
        ["status"] = 404,
        ["detail"] = $"There is no unit {UnitId} that you may see.",
        ["traceId"] = TraceId,
    };

    private static JsonObject ValidationProblem() => new()
    {
        ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        ["title"] = "One or more validation errors occurred.",
        ["status"] = 400,
        ["errors"] = new JsonObject { ["month"] = new JsonArray("'month' must be a month written YYYY-MM, e.g. 2026-03.") },
        ["traceId"] = TraceId,
    };
}
