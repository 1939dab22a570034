using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.AspNetCore.Mvc;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// Errors under /fhir as <see cref="OperationOutcome"/>, the FHIR equivalent of problem details. Pure: a status and a
/// message in, an outcome out. Every problem any part of the pipeline writes for a /fhir route (authentication,
/// authorisation, rate limits, bad input, unknown routes, the exception handler) goes through
/// <see cref="FhirProblemWriter"/>, which turns it into one of these.
/// </summary>
public static class FhirOutcomes
{
    public static OperationOutcome Create(OperationOutcome.IssueType code, string diagnostics) => new()
    {
        Issue = [Issue(code, diagnostics)],
    };

    public static OperationOutcome.IssueComponent Issue(OperationOutcome.IssueType code, string diagnostics) => new()
    {
        Severity = OperationOutcome.IssueSeverity.Error,
        Code = code,
        Diagnostics = diagnostics,
    };

    /// <summary>The FHIR issue type of an HTTP error status.</summary>
    public static OperationOutcome.IssueType CodeFor(int status) => status switch
    {
        400 or 413 or 415 or 422 => OperationOutcome.IssueType.Invalid,
        401 => OperationOutcome.IssueType.Login,
        403 => OperationOutcome.IssueType.Forbidden,
        404 => OperationOutcome.IssueType.NotFound,
        405 or 406 => OperationOutcome.IssueType.NotSupported,
        409 or 412 => OperationOutcome.IssueType.Conflict,
        410 => OperationOutcome.IssueType.Deleted,
        429 => OperationOutcome.IssueType.Throttled,
        503 => OperationOutcome.IssueType.Transient,
        _ => OperationOutcome.IssueType.Exception,
    };

    /// <summary>One issue per message of a validation problem (each names its parameter), or one for the detail.</summary>
    public static OperationOutcome From(ProblemDetails problem)
    {
        var status = problem.Status ?? 500;
        var code = CodeFor(status);
        var outcome = new OperationOutcome();
        if (problem is HttpValidationProblemDetails { Errors.Count: > 0 } validation)
        {
            foreach (var (field, messages) in validation.Errors)
            {
                foreach (var message in messages)
                {
                    var issue = Issue(code, message);
                    issue.Expression = [field];
                    outcome.Issue.Add(issue);
                }
            }
        }
        else
        {
            outcome.Issue.Add(Issue(code, problem.Detail ?? problem.Title ?? "The request failed."));
        }
        if (problem.Extensions.TryGetValue("traceId", out var traceId) && traceId is string trace && status >= 500)
        {
            outcome.Issue[0].Diagnostics += $" (traceId {trace})";
        }
        return outcome;
    }
}

/// <summary>
/// Writes every problem for a /fhir route as an OperationOutcome in application/fhir+json. Registered before the
/// default writer, so the REST API keeps problem+json and FHIR clients never see it.
/// </summary>
public sealed class FhirProblemWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => FhirApi.IsFhirRequest(context.HttpContext.Request);

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var response = context.HttpContext.Response;
        var problem = context.ProblemDetails;
        problem.Status ??= response.StatusCode;
        response.ContentType = FhirNames.MediaType + "; charset=utf-8";
        await FhirResult.WriteAsync(response, FhirOutcomes.From(problem), context.HttpContext.RequestAborted);
    }
}
