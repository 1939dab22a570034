using SeQuIn.Api.Access;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// One FHIR resource type SeQuIn serves: who may read it, its search parameters, and the handlers of its read
/// (<c>GET /fhir/{Type}/{id}</c>) and search-type (<c>GET /fhir/{Type}</c>) interactions.
/// </summary>
/// <param name="Type">The FHIR resource type, e.g. "Organization".</param>
/// <param name="Policy">The authorization policy of both interactions (Access/AccessSetup.cs Policies).</param>
/// <param name="Roles">The roles the policy admits, as the contract states them.</param>
/// <param name="Documentation">What one resource of this type is in SeQuIn (CapabilityStatement and contract).</param>
/// <param name="SearchParameters">Every search parameter the type supports, beyond <see cref="FhirSearch.Common"/>. The
/// search handler's [AsParameters] record must have exactly these members plus _count and _cursor (checked when mapped).</param>
/// <param name="Read">Handler of read: takes <c>string id</c>, returns <c>Task&lt;FhirResult&gt;</c>.</param>
/// <param name="Search">Handler of search-type: takes an [AsParameters] <see cref="IFhirSearch"/> record, returns <c>Task&lt;FhirResult&gt;</c>.</param>
/// <param name="Example">A realistic resource of this type for the contract's examples (built with the same mapping the handlers use).</param>
/// <param name="Export">Every resource of this type the scope's caller may see and that changed in the scope's window, for a
/// bulk export (<see cref="FhirExports"/>): the same rows, key and mapping as the search.</param>
public sealed record FhirResourceDefinition(
    string Type,
    string Policy,
    Role[] Roles,
    string Documentation,
    IReadOnlyList<FhirSearchParameter> SearchParameters,
    Delegate Read,
    Delegate Search,
    Func<Hl7.Fhir.Model.Resource> Example,
    Func<FhirExportScope, IFhirMatches> Export);

/// <summary>
/// The one table of what the FHIR facade serves. The router maps exactly these (FhirApi) and the CapabilityStatement
/// is built from exactly these (FhirCapabilities), so the two cannot disagree. To serve another resource type, write
/// its definition beside its handlers and add one line here.
/// </summary>
public static class FhirResources
{
    public static IReadOnlyList<FhirResourceDefinition> All { get; } =
    [
        FhirOrganizations.Definition,
        FhirQuestionnaires.Definition,
        FhirQuestionnaireResponses.Definition,
        FhirMeasures.Definition,
        FhirMeasureReports.Definition,
    ];
}
