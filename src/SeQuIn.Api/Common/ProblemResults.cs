using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace SeQuIn.Api.Common;

/// <summary>
/// A typed problem answer: written as application/problem+json (TypedResults.NotFound(problem) would say
/// application/json) and documented in the contract with its status, like any other typed result.
/// </summary>
public abstract class ProblemResult(ProblemDetails problem) : IResult, IStatusCodeHttpResult, IValueHttpResult<ProblemDetails>,
    IValueHttpResult, IContentTypeHttpResult
{
    public ProblemDetails Value { get; } = problem;
    object? IValueHttpResult.Value => Value;
    public int? StatusCode => Value.Status;
    public string ContentType => "application/problem+json";

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Problem(Value).ExecuteAsync(httpContext);

    protected static void Describe(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
}

/// <summary>404: the resource does not exist (or the caller may not know it exists).</summary>
public sealed class NotFoundProblem(ProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status404NotFound);
}

/// <summary>409: the request conflicts with the current state (a code in use, an immutable version).</summary>
public sealed class ConflictProblem(ProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status409Conflict);
}

/// <summary>403: the caller is known but its role or scope does not allow this.</summary>
public sealed class ForbiddenProblem(ProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status403Forbidden);
}

/// <summary>412: the If-Match ETag is not the current one; someone else changed the record first.</summary>
public sealed class PreconditionFailedProblem(ProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status412PreconditionFailed);
}

/// <summary>428: a change needs If-Match with the ETag last read.</summary>
public sealed class PreconditionRequiredProblem(ProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status428PreconditionRequired);
}

/// <summary>422: well-formed but not acceptable (personal data in free text; an incomplete submission); errors name each field.</summary>
public sealed class UnprocessableProblem(HttpValidationProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status422UnprocessableEntity, typeof(HttpValidationProblemDetails), ["application/problem+json"]));
}

/// <summary>
/// The answers to a change that cannot be made as asked: 403 (not yours to change), 404 (not visible),
/// 409 (not in a state that allows it), 412 (stale If-Match) or 428 (no If-Match).
/// </summary>
public sealed class ChangeProblem(ProblemDetails problem) : ProblemResult(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        foreach (var status in new[] { 403, 404, 409, 412, 428 })
        {
            Describe(builder, status);
        }
    }

    public static ChangeProblem From(ProblemResult problem) => new(problem.Value);
}
