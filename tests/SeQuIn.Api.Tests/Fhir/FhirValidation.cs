using System.Net;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using SeQuIn.Api.Fhir;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Tests.Fhir;

/// <summary>
/// Validates resources offline against base FHIR R4 (structure, cardinality, value sets, invariants) with Firely's
/// validator and the specification.zip of Hl7.Fhir.Specification.Data.R4, copied to the test output. The resolver and
/// validator are built once per test run: reading the specification is slow, validating is not.
/// </summary>
public static class FhirValidation
{
    private static readonly Lazy<Validator> Shared = new(() =>
    {
        var zip = Path.Combine(AppContext.BaseDirectory, "specification.zip");
        Assert.True(File.Exists(zip), $"specification.zip is not in {AppContext.BaseDirectory}: Hl7.Fhir.Specification.Data.R4 should copy it there.");
        var source = new CachedResolver(ZipSource.CreateValidationSource(zip));
        return new Validator(source, new LocalTerminologyService(source));
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly object Gate = new();

    /// <summary>The validator's issues about a resource (errors, warnings and information).</summary>
    public static OperationOutcome Validate(Resource resource)
    {
        // One at a time: the validator's caches are shared and the tests run classes in parallel.
        lock (Gate)
        {
            return Shared.Value.Validate(resource);
        }
    }

    /// <summary>The error and fatal issues, each as "expression: message" (empty when the resource is valid).</summary>
    public static IReadOnlyList<string> Errors(Resource resource) =>
        Validate(resource).Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{string.Join(",", i.Expression ?? [])}: {i.Details?.Text ?? i.Diagnostics}")
            .ToList();

    public static void AssertValid(Resource resource)
    {
        var errors = Errors(resource);
        Assert.True(errors.Count == 0, $"{resource.TypeName}/{resource.Id} is not valid FHIR R4:\n{string.Join("\n", errors)}");
    }

    /// <summary>
    /// Reads a FHIR answer: application/fhir+json, parsed strictly with the Firely deserializer (an element R4 does not
    /// define fails), validated, and of the expected type. Every FHIR test reads what it receives through here.
    /// </summary>
    public static async Task<T> ReadFhirAsync<T>(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK) where T : Resource
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(FhirNames.MediaType, response.Content.Headers.ContentType?.MediaType);
        var resource = new FhirJsonDeserializer().DeserializeResource(body);
        AssertValid(resource);
        return Assert.IsType<T>(resource);
    }

    /// <summary>An OperationOutcome error answer with this status and issue code; returns its diagnostics.</summary>
    public static async Task<string> ReadOutcomeAsync(this HttpResponseMessage response, HttpStatusCode status, OperationOutcome.IssueType code)
    {
        var outcome = await response.ReadFhirAsync<OperationOutcome>(status);
        Assert.Contains(outcome.Issue, i => i.Code == code && i.Severity == OperationOutcome.IssueSeverity.Error);
        return string.Join(" ", outcome.Issue.Select(i => i.Diagnostics));
    }

    /// <summary>Every page of a search, following next links, each page read (and validated) through <see cref="ReadFhirAsync{T}"/>.</summary>
    public static async Task<(IReadOnlyList<T> Resources, IReadOnlyList<Bundle> Pages)> SearchAllAsync<T>(this HttpClient client, string url)
        where T : Resource
    {
        var pages = new List<Bundle>();
        string? next = url;
        while (next is not null)
        {
            var page = await (await client.GetAsync(next)).ReadFhirAsync<Bundle>();
            pages.Add(page);
            next = page.Link.SingleOrDefault(l => l.Relation == "next")?.Url;
            Assert.True(pages.Count < 1000, "The next links do not end.");
        }
        return (pages.SelectMany(p => p.Entry).Select(e => Assert.IsType<T>(e.Resource)).ToList(), pages);
    }
}
