using Microsoft.AspNetCore.Http.HttpResults;
using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace SeQuIn.Api.Common;

/// <summary>Problem details (RFC 9457) with a specific message, typed so that the contract documents each answer.</summary>
public static class ApiProblems
{
    public static NotFoundProblem NotFound(string detail) => new(Create(StatusCodes.Status404NotFound, "Not Found", detail));

    public static ForbiddenProblem Forbidden(string detail) => new(Create(StatusCodes.Status403Forbidden, "Forbidden", detail));

    public static PreconditionFailedProblem PreconditionFailed(string detail) =>
        new(Create(StatusCodes.Status412PreconditionFailed, "Precondition Failed", detail));

    public static PreconditionRequiredProblem PreconditionRequired(string detail) =>
        new(Create(StatusCodes.Status428PreconditionRequired, "Precondition Required", detail));

    public static ConflictProblem Conflict(string detail) => new(Create(StatusCodes.Status409Conflict, "Conflict", detail));

    public static HttpValidationProblemDetails Unprocessable(IDictionary<string, string[]> errors) => new(errors)
    {
        Status = StatusCodes.Status422UnprocessableEntity,
        Title = "The request cannot be accepted.",
        Type = TypeFor(422),
        Extensions = { ["traceId"] = Activity.Current?.Id },
    };

    public static UnprocessableProblem Unprocessable(string field, string message) =>
        new(Unprocessable(new Dictionary<string, string[]> { [field] = [message] }));

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemDetails Create(int status, string title, string detail) => new()
    {
        Status = status,
        Title = title,
        Detail = detail,
        Type = TypeFor(status),
        Extensions = { ["traceId"] = Activity.Current?.Id },
    };

    public static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        412 => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        428 => "https://tools.ietf.org/html/rfc6585#section-3",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };
}
