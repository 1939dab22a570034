using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// The contract of the bulk export's steps (<see cref="FhirExports"/>): their successes are not FHIR resources — a 202
/// without a body, the manifest in application/json, a file in application/fhir+ndjson — so they are declared here;
/// their errors are OperationOutcomes like every /fhir error (<see cref="FhirContract"/>).
/// </summary>
internal static class FhirExportContract
{
    public static void Describe(OpenApiOperation operation, OperationFilterContext context, FhirExportStep step)
    {
        var responses = operation.Responses!;
        responses.Remove("200");
        switch (step)
        {
            case FhirExportStep.KickOff:
                responses["202"] = new OpenApiResponse
                {
                    Description = "Accepted: the export is planned in the background. Poll the URL in Content-Location.",
                    Headers = new Dictionary<string, IOpenApiHeader> { ["Content-Location"] = Header("The status URL of this export: GET it to poll, DELETE it to cancel.", true) },
                };
                responses.TryAdd("403", new OpenApiResponse { Description = "_type names a resource type the caller's grants do not let it read." });
                responses.TryAdd("429", new OpenApiResponse
                {
                    Description = "The caller has as many exports alive as it may; delete one it has read, or wait.",
                    Headers = new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = Header("Seconds until one of the caller's exports expires at the latest.", true) },
                });
                break;
            case FhirExportStep.Status:
                responses["202"] = new OpenApiResponse
                {
                    Description = "Still being planned.",
                    Headers = new Dictionary<string, IOpenApiHeader>
                    {
                        ["X-Progress"] = Header("What the export is doing, in words.", true),
                        ["Retry-After"] = Header("Seconds to wait before polling again.", true),
                    },
                };
                responses["200"] = new OpenApiResponse
                {
                    Description = "Complete: the manifest (FHIR Bulk Data Access, complete status), until the export expires.",
                    Headers = new Dictionary<string, IOpenApiHeader> { ["Expires"] = Header("When the export and its files are removed (HTTP date).", true) },
                    Content = new Dictionary<string, IOpenApiMediaType>
                    {
                        ["application/json"] = new OpenApiMediaType
                        {
                            Schema = context.SchemaGenerator.GenerateSchema(typeof(FhirExportManifest), context.SchemaRepository),
                            Example = JsonNode.Parse("""
                                {"transactionTime":"2026-12-01T22:05:00.000Z","request":"https://sequin.example.nhs.uk/fhir/$export?_type=Organization,QuestionnaireResponse",
                                 "requiresAccessToken":true,"output":[
                                  {"type":"Organization","url":"https://sequin.example.nhs.uk/fhir/$export-file/01938a5e-7c1f-7b2a-9d3e-4f5a6b7c8d9e/1","count":412},
                                  {"type":"QuestionnaireResponse","url":"https://sequin.example.nhs.uk/fhir/$export-file/01938a5e-7c1f-7b2a-9d3e-4f5a6b7c8d9e/2","count":10000},
                                  {"type":"QuestionnaireResponse","url":"https://sequin.example.nhs.uk/fhir/$export-file/01938a5e-7c1f-7b2a-9d3e-4f5a6b7c8d9e/3","count":2480}],
                                 "error":[]}
                                """),
                        },
                    },
                };
                responses.TryAdd("404", new OpenApiResponse { Description = "No export of the caller's with this id: never made, someone else's, deleted or expired." });
                responses.TryAdd("500", new OpenApiResponse { Description = "The export failed (the fault is logged); ask for a new one." });
                break;
            case FhirExportStep.Delete:
                responses.Remove("204");
                responses["202"] = new OpenApiResponse { Description = "Deleted: its status and files answer 404 from now on." };
                responses.TryAdd("404", new OpenApiResponse { Description = "No export of the caller's with this id." });
                break;
            case FhirExportStep.File:
                responses["200"] = new OpenApiResponse
                {
                    Description = "The file: one FHIR R4 resource per line (compact JSON), all of the type the manifest names.",
                    Content = new Dictionary<string, IOpenApiMediaType>
                    {
                        [FhirExports.NdjsonMediaType] = new OpenApiMediaType
                        {
                            Schema = NdjsonSchema(context.SchemaRepository),
                            Example = JsonValue.Create(
                                "{\"resourceType\":\"Organization\",\"id\":\"3f6c2a9e-8d41-4b7a-9c55-1e2f0a7b4c13\",\"active\":true,\"name\":\"Ward A\"}\n" +
                                "{\"resourceType\":\"Organization\",\"id\":\"5b1d7e20-2c4f-4e6a-8b9d-0a1b2c3d4e5f\",\"active\":true,\"name\":\"Ward B\"}\n"),
                        },
                    },
                };
                responses.TryAdd("404", new OpenApiResponse { Description = "No such file of a complete export of the caller's." });
                break;
        }
    }

    /// <summary>A named component, as every success schema of the contract is one.</summary>
    private static IOpenApiSchema NdjsonSchema(SchemaRepository repository)
    {
        const string name = "FhirNdjson";
        if (!repository.Schemas.ContainsKey(name))
        {
            return repository.AddDefinition(name, new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "Newline-delimited JSON (https://github.com/ndjson/ndjson-spec): one FHIR R4 resource per line, compact, each line ending in \\n.",
            });
        }
        return new OpenApiSchemaReference(name);
    }

    private static OpenApiHeader Header(string description, bool required) => new()
    {
        Description = description,
        Required = required,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 2000 },
    };
}
