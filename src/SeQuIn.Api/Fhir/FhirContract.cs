using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// How the contract documents /fhir: every answer, success or error, is application/fhir+json described honestly as
/// "a FHIR resource with a resourceType" (FHIR is not modelled in JSON Schema; the FHIR specification defines it), with
/// a real example serialised by the service's own mapping; _format is declared, and 406 for a format other than JSON.
/// </summary>
public sealed class FhirContract : IOperationFilter
{
    private const string SpecLink = "https://hl7.org/fhir/R4/";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var fhir = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<FhirEndpointMetadata>().LastOrDefault();
        if (fhir is null)
        {
            return;
        }
        operation.Parameters ??= [];
        if (fhir.Export != FhirExportStep.File)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = FhirSearch.Format,
                In = ParameterLocation.Query,
                Required = false,
                Description = "json, application/json or application/fhir+json (the default); any other format answers 406. Overrides Accept.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100 },
            });
        }
        operation.Responses ??= [];
        var read = context.ApiDescription.RelativePath?.EndsWith("{id}", StringComparison.Ordinal) == true;
        if (read)
        {
            operation.Responses.TryAdd("404", new OpenApiResponse { Description = "No such resource, or one the caller may not see (OperationOutcome not-found)." });
        }
        operation.Responses.TryAdd("406", new OpenApiResponse { Description = "A format other than JSON was asked for by _format or Accept (OperationOutcome not-supported)." });
        if (fhir.Export is { } step)
        {
            FhirExportContract.Describe(operation, context, step);
        }

        var schema = context.SchemaGenerator.GenerateSchema(typeof(FhirResource), context.SchemaRepository);
        if (context.SchemaRepository.Schemas.TryGetValue(nameof(FhirResource), out var component) && component is OpenApiSchema open)
        {
            // Every other member of the resource is FHIR's to define: allowed, and not described here.
            open.AdditionalProperties = new OpenApiSchema { Description = "The resource's other elements, as the FHIR R4 specification defines them." };
        }
        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete || status == "304")
            {
                continue;
            }
            var success = status.StartsWith('2');
            if (success && fhir.Export is not null)
            {
                continue;
            }
            concrete.Description = success
                ? $"{concrete.Description} A FHIR R4 resource in JSON ({SpecLink}): {Answer(fhir, read)}.".Trim()
                : $"{concrete.Description} An OperationOutcome ({SpecLink}operationoutcome.html) whose issue code says what went wrong.".Trim();
            concrete.Content = new Dictionary<string, IOpenApiMediaType>
            {
                [FhirNames.MediaType] = new OpenApiMediaType
                {
                    Schema = schema,
                    Example = JsonNode.Parse(FhirJsonSerializer.Default.SerializeToString(success ? Example(fhir, read) : ErrorExample(status))),
                },
            };
        }
    }

    private static string Answer(FhirEndpointMetadata fhir, bool read) => fhir.ResourceType switch
    {
        null => "a CapabilityStatement",
        { } type when read => $"a {type}",
        { } type => $"a searchset Bundle of {type} resources with total, self and next links",
    };

    private static Resource Example(FhirEndpointMetadata fhir, bool read)
    {
        if (fhir.ResourceType is null)
        {
            return FhirCapabilities.Build(FhirNames.Base, FhirResources.All);
        }
        var resource = FhirResources.All.Single(r => r.Type == fhir.ResourceType).Example();
        if (read)
        {
            return resource;
        }
        var self = $"{FhirNames.Base}/{fhir.ResourceType}?_count=1";
        return FhirSearch.SearchSet(FhirNames.Base, self, self + "&_cursor=azpleGFtcGxl", 2, [resource]);
    }

    private static OperationOutcome ErrorExample(string status) => status switch
    {
        "400" => FhirOutcomes.Create(OperationOutcome.IssueType.Invalid, "The parameter 'subject:missing' is not supported here (modifiers and chains are not supported either). Supported: _count, _cursor, _format, identifier, name, partof, type."),
        "404" => FhirOutcomes.Create(OperationOutcome.IssueType.NotFound, "There is no Organization with id '3f6c2a9e-8d41-4b7a-9c55-1e2f0a7b4c13'."),
        _ => FhirOutcomes.Create(FhirOutcomes.CodeFor(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture)), $"An example of the OperationOutcome answered with {status}."),
    };
}
