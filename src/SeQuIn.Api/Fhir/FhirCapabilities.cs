using System.Reflection;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// The CapabilityStatement, built from <see cref="FhirResources.All"/> — the table the router maps — so that it states
/// exactly what is supported: each type, read and search-type, each search parameter with its type, paging, security.
/// </summary>
public static class FhirCapabilities
{
    public const string SoftwareName = "SeQuIn";

    public static CapabilityStatement Build(string baseUrl, IReadOnlyList<FhirResourceDefinition> resources)
    {
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Documentation = "Read-only FHIR R4 facade over SeQuIn. JSON only (application/fhir+json; _format=json or Accept: " +
                "application/json are accepted, anything else is 406). Search is strict: an unsupported parameter, a modifier " +
                "or a repeated parameter is refused with 400 OperationOutcome. Search results are paged with _count (default " +
                $"{FhirSearch.DefaultCount}, at most {FhirSearch.MaxCount}) and the Bundle's next link; Bundle.total counts every match. " +
                "A resource the caller may not see answers 404, as one that does not exist.",
            Security = new CapabilityStatement.SecurityComponent
            {
                Cors = true,
                Description = "Send 'Authorization: Bearer <key>' with a SeQuIn API key (sqn_…), or an OIDC access token from a " +
                    "configured issuer; what the caller may read comes from its SeQuIn memberships, as in the REST API " +
                    "(/api/v1). Only this CapabilityStatement is open without credentials.",
                Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth", "OAuth",
                    "OIDC access tokens (JWT bearer) or SeQuIn API keys")],
            },
            SearchParam = FhirSearch.Common.Select(ToComponent).ToList(),
            Operation =
            [
                new CapabilityStatement.OperationComponent
                {
                    Name = "export",
                    Definition = FhirExports.OperationDefinition,
                    Documentation = "FHIR Bulk Data system-level export (ADR 0039): GET [base]/$export with Prefer: respond-async; _type, " +
                        "_since and _outputFormat (NDJSON only). Every resource type above the caller may read; files are the caller's alone.",
                },
            ],
        };
        foreach (var resource in resources)
        {
            rest.Resource.Add(new CapabilityStatement.ResourceComponent
            {
                Type = resource.Type,
                Documentation = resource.Documentation,
                Interaction =
                [
                    new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                    new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
                ],
                ReadHistory = false,
                UpdateCreate = false,
                SearchParam = resource.SearchParameters.Select(ToComponent).ToList(),
            });
        }

        return new CapabilityStatement
        {
            Url = FhirNames.Base + "/CapabilityStatement/sequin",
            Name = "SeQuInFhirFacade",
            Title = "SeQuIn FHIR R4 facade",
            Status = PublicationStatus.Active,
            Date = "2026-12-01",
            Publisher = "SeQuIn",
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = SoftwareName, Version = Version },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "SeQuIn", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json", FhirNames.MediaType],
            Instantiates = [FhirExports.BulkDataCapabilities],
            Rest = [rest],
        };
    }

    /// <summary>The service's informational version (its assembly version, without build metadata).</summary>
    public static string Version { get; } =
        (typeof(FhirCapabilities).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
            .Split('+')[0];

    private static CapabilityStatement.SearchParamComponent ToComponent(FhirSearchParameter parameter) => new()
    {
        Name = parameter.Name,
        Type = parameter.Type,
        Documentation = parameter.Documentation,
    };
}
