using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace SeQuIn.Api.Tests.Fhir;

/// <summary>Validates a resource offline against base R4 (the specification.zip the data package copies beside the tests); built once, it is slow.</summary>
public static class FhirValidator
{
    private static readonly Lazy<Validator> Instance = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource(Path.Combine(AppContext.BaseDirectory, "specification.zip")));
        return new Validator(resolver, LocalTerminologyService.CreateDefaultForCore(resolver));
    });

    public static void AssertValid(Resource resource)
    {
        OperationOutcome outcome;
        lock (Instance)
        {
            outcome = Instance.Value.Validate(resource);
        }
        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Expression.FirstOrDefault() ?? i.Location.FirstOrDefault()}: {i.Details?.Text ?? i.Diagnostics}").ToList();
        Assert.True(errors.Count == 0, $"{resource.TypeName}/{resource.Id} is not valid R4:\n{string.Join("\n", errors)}");
    }
}
