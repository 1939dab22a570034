namespace SeQuIn.Api.Fhir;

/// <summary>
/// The names SeQuIn gives things in FHIR R4 (issue #15), kept in one place so every resource, search and test
/// agrees: canonical URLs of the definitions SeQuIn publishes, identifier systems of its own codes, and the
/// extensions that carry what base FHIR has no element for. Resource ids are SeQuIn's own ids (Guid "D" form) or,
/// for definitions, stable slugs, so `url|version` and `Type/id` never change between deployments.
/// </summary>
public static class FhirNames
{
    /// <summary>Base of every canonical URL and code system SeQuIn defines. Stable across deployments on purpose:
    /// a canonical names a definition, not the server that serves it.</summary>
    public const string Base = "https://sequin.example.nhs.uk/fhir";

    /// <summary>The media type of every FHIR answer (and accepted as `_format=json`).</summary>
    public const string MediaType = "application/fhir+json";

    // Canonical URLs of definitions (Questionnaire.url, Measure.url); the framework version is the `version`.
    public const string QuestionnaireUrl = Base + "/Questionnaire/sequin-framework";
    public static string MeasureUrl(string areaCode) => $"{Base}/Measure/sequin-area-{areaCode.ToLowerInvariant()}";

    // Identifier systems of SeQuIn's own codes (Organization.identifier, Questionnaire.identifier …).
    public const string NetworkCodeSystem = Base + "/NamingSystem/network-code";
    public const string ProviderCodeSystem = Base + "/NamingSystem/provider-code";
    public const string CollaborativeCodeSystem = Base + "/NamingSystem/collaborative-code";
    public const string UnitCodeSystem = Base + "/NamingSystem/unit-code";
    /// <summary>NHS Organisation Data Service codes, for organisations whose ODS code is known.</summary>
    public const string OdsCodeSystem = "https://fhir.nhs.uk/Id/ods-organization-code";

    // Code systems SeQuIn defines.
    public const string AreaCodeSystem = Base + "/CodeSystem/area";
    public const string StandardCodeSystem = Base + "/CodeSystem/standard";
    public const string ScaleCodeSystem = Base + "/CodeSystem/rating-scale";
    public const string ScaleValueSet = Base + "/ValueSet/rating-scale";
    public const string OrganisationKindSystem = Base + "/CodeSystem/organisation-kind";
    public const string ParticipantRoleSystem = Base + "/CodeSystem/participant-role";

    // Extensions for what base R4 has no element for.
    public const string EasyReadExtension = Base + "/StructureDefinition/easy-read";
    public const string PictureKeywordsExtension = Base + "/StructureDefinition/picture-keywords";
    public const string StaffViewExtension = Base + "/StructureDefinition/staff-view";
    public const string ServiceUserViewExtension = Base + "/StructureDefinition/service-user-view";
    public const string AgreedRatingExtension = Base + "/StructureDefinition/agreed-rating";
    public const string ParticipantsExtension = Base + "/StructureDefinition/participants";
    public const string ComparisonGroupExtension = Base + "/StructureDefinition/comparison-group";
    public const string SuppressedExtension = Base + "/StructureDefinition/suppressed";
    /// <summary>On a unit's Organization: a reference to its network, and one to its provider collaborative if it has one.</summary>
    public const string MemberOfExtension = Base + "/StructureDefinition/member-of";

    // Added for QuestionnaireResponse, Measure and MeasureReport (fhir-reports).
    /// <summary>Identifier system of SeQuIn's assessment ids (QuestionnaireResponse.identifier).</summary>
    public const string AssessmentIdSystem = Base + "/NamingSystem/assessment-id";
    /// <summary>A standard rated not applicable: no answer, this extension with the reason (valueString).</summary>
    public const string NotApplicableExtension = Base + "/StructureDefinition/not-applicable";
    /// <summary>A summary MeasureReport group's order statistics (complex: minimum, lower-quartile, median, upper-quartile, maximum; valueDecimal each).</summary>
    public const string GroupStatisticsExtension = Base + "/StructureDefinition/group-statistics";
    /// <summary>An individual MeasureReport group's place in its comparison group (complex: percentile valueDecimal, rank valueInteger).</summary>
    public const string PercentileExtension = Base + "/StructureDefinition/percentile";
}
