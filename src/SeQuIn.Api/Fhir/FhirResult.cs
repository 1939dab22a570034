using System.Reflection;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http.Metadata;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// A FHIR answer: one Firely <see cref="Resource"/> written with <c>FhirJsonSerializer</c> as
/// <c>application/fhir+json</c> — a resource, a search <see cref="Bundle"/>, or an <see cref="OperationOutcome"/> for an
/// error. Every /fhir handler returns it, so no FHIR route ever answers problem+json or plain JSON.
/// </summary>
public sealed class FhirResult(int statusCode, Resource resource) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult,
    IValueHttpResult, IEndpointMetadataProvider
{
    public int StatusCode { get; } = statusCode;
    int? IStatusCodeHttpResult.StatusCode => StatusCode;
    public string ContentType => FhirNames.MediaType + "; charset=utf-8";
    public Resource Resource { get; } = resource;
    object? IValueHttpResult.Value => Resource;

    public static FhirResult Ok(Resource resource) => new(StatusCodes.Status200OK, resource);

    public static FhirResult Error(int status, OperationOutcome.IssueType code, string diagnostics) =>
        new(status, FhirOutcomes.Create(code, diagnostics));

    /// <summary>404 for a resource that does not exist or that the caller may not see: the two are never told apart.</summary>
    public static FhirResult NotFound(string type, string id) =>
        Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, $"There is no {type} with id '{Truncate(id)}'.");

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.ContentType = ContentType;
        await WriteAsync(httpContext.Response, Resource, httpContext.RequestAborted);
    }

    internal static async Task WriteAsync(HttpResponse response, Resource resource, CancellationToken ct)
    {
        var bytes = FhirJsonSerializer.Default.SerializeToBytes(resource);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, ct);
    }

    internal static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(FhirResource), [FhirNames.MediaType]));
}

/// <summary>
/// How the contract describes a FHIR answer: a FHIR R4 resource in JSON, named by its <c>resourceType</c>. FHIR itself
/// is not modelled in JSON Schema; the FHIR specification (https://hl7.org/fhir/R4/) defines each resource.
/// </summary>
/// <param name="ResourceType">The FHIR resource type, e.g. Organization, Questionnaire, Bundle, CapabilityStatement or OperationOutcome.</param>
public sealed record FhirResource(string ResourceType);
