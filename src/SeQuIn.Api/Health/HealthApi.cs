using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Health;

/// <summary>The state of the service.</summary>
/// <param name="Status">healthy, or unhealthy with the reasons in checks.</param>
/// <param name="Checks">Each check and its outcome.</param>
public sealed record HealthResponse(string Status, IReadOnlyDictionary<string, string> Checks);

public static class HealthApi
{
    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        var health = routes.MapGroup("/health")
            .WithTags("Health")
            .AllowAnonymous()
            .WithAnonymousAccess();
        health.MapGet("/live", GetLiveness)
            .WithName(nameof(GetLiveness))
            .WithDescription("Answers 200 while the process runs. It checks no dependency, so an orchestrator " +
                "restarts the process only when the process itself is stuck.")
            .WithSummary("Liveness: the process is up (no dependencies checked)");
        health.MapGet("/ready", GetReadiness)
            .WithName(nameof(GetReadiness))
            .WithDescription("Answers 200 when the database answers and every migration is applied, else 503 with the failing checks " +
                "and Retry-After. The database is checked at most once per SeQuIn:Health:ReadinessCacheSeconds (default " +
                "2); probes in between share the last answer. From the moment the instance starts shutting down " +
                "(SIGTERM) it answers 503 at once, with checks.shutdown = draining.")
            .WithSummary("Readiness: the database answers and every migration is applied")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return health;
    }

    public static Ok<HealthResponse> GetLiveness() =>
        TypedResults.Ok(new HealthResponse("healthy", new Dictionary<string, string> { ["process"] = "up" }));

    public static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> GetReadiness(ReadinessCheck readiness, HttpResponse response, CancellationToken ct)
    {
        var outcome = await readiness.GetAsync(ct);
        if (outcome.Ready)
        {
            return TypedResults.Ok(new HealthResponse("healthy", outcome.Checks));
        }
        // The next probe within the interval would get this same answer.
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(readiness.Interval.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "The service is not ready.");
        problem.Extensions["checks"] = outcome.Checks;
        return TypedResults.Problem(problem);
    }
}
