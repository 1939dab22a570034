using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace SeQuIn.Api.Common;

/// <summary>
/// The one map from exceptions to problem details (RFC 9457). Bad input reported by the framework becomes a
/// 400/413/415 naming the field; a lost race on a unique key becomes a 409; anything else is a 500 that says
/// nothing about the internals (the trace id links it to the log).
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad, httpContext),
            JsonException json => FromJson(json),
            DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } } =>
                ApiProblems.Create(409, "Conflict", "The change conflicts with an existing record (a code or key is already in use)."),
            DbUpdateConcurrencyException =>
                ApiProblems.Create(409, "Conflict", "The record was changed by someone else; read it again and retry."),
            PostgresException { SqlState: PostgresErrorCodes.SerializationFailure } =>
                ApiProblems.Create(409, "Conflict", "A concurrent change got there first; retry the request."),
            _ when DatabaseUnavailable(exception) =>
                ApiProblems.Create(503, "Service Unavailable", $"The database cannot be reached just now; retry after {RetryAfterSeconds} s."),
            _ => ApiProblems.Create(500, "Internal Server Error", "An unexpected error occurred. Quote the traceId when reporting it."),
        };

        if (problem.Status == 503)
        {
            // A fault of the database, not of the request: said to the client as "retry", logged without a stack.
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            TransientRetry.ForgetBrokenConnectionsIfLost(httpContext, exception);
            logger.LogWarning("Database unavailable for {Method} {Path}: {Reason}", httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        }
        else if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>How long a client should wait when the database is unreachable: long enough for a failover or a restart.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// The database could not be reached, refused a connection, timed out or ran out of pooled connections: Npgsql
    /// marks these transient, or reports them as a socket or time-out fault somewhere in the chain, or the server
    /// ended the session (shutting down, or the backend terminated).
    /// </summary>
    internal static bool DatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or TimeoutException or System.Net.Sockets.SocketException
                || (e is PostgresException postgres && TransientRetry.ServerEndedTheConnection(postgres.SqlState)))
            {
                return true;
            }
        }
        return false;
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException bad, HttpContext http)
    {
        if (bad.InnerException is JsonException json)
        {
            return FromJson(json);
        }
        return bad.StatusCode switch
        {
            413 => ApiProblems.Create(413, "Payload Too Large", "The request body is larger than this endpoint accepts."),
            415 => ApiProblems.Create(415, "Unsupported Media Type", UnsupportedMediaTypes.DetailFor(http)),
            _ when BindFailure().Match(bad.Message) is { Success: true } bind =>
                Validation(bind.Groups[1].Value, $"The value '{Truncate(bind.Groups[2].Value)}' is not valid for '{bind.Groups[1].Value}'."),
            _ when RequiredMissing().Match(bad.Message) is { Success: true } missing =>
                Validation(missing.Groups[1].Value, $"'{missing.Groups[1].Value}' is required."),
            _ when bad.Message.Contains("no body was provided", StringComparison.Ordinal) ||
                   bad.Message.Contains("Required parameter", StringComparison.Ordinal) =>
                Validation(JsonErrorTranslator.BodyField, "A JSON request body is required."),
            400 => Validation(JsonErrorTranslator.BodyField, "The request could not be read."),
            _ => ApiProblems.Create(bad.StatusCode, "Bad Request", "The request could not be read."),
        };
    }

    private static HttpValidationProblemDetails FromJson(JsonException json)
    {
        var (field, message) = JsonErrorTranslator.Translate(json);
        return Validation(field, message);
    }

    private static HttpValidationProblemDetails Validation(string field, string message)
    {
        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = 400,
            Title = "One or more validation errors occurred.",
            Type = ApiProblems.TypeFor(400),
        };
        return problem;
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    [GeneratedRegex("""^Failed to bind parameter "[^"]*?(\w+)" from "(.*)"\.$""", RegexOptions.Singleline | RegexOptions.NonBacktracking)]
    private static partial Regex BindFailure();

    [GeneratedRegex("""^Required parameter "[^"]*?(\w+)" was not provided from (?:query string|route|header)""", RegexOptions.NonBacktracking)]
    private static partial Regex RequiredMissing();
}
