using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Health;

/// <summary>The state of the service.</summary>
/// <param name="Status">healthy, or unhealthy with the reasons in checks.</param>
/// <param name="Checks">Each check and its outcome.</param>
public sealed record HealthResponse(string Status, IReadOnlyDictionary<string, string> Checks);

public static class HealthApi
{
    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        var health = routes.MapGroup("/health").WithTags("Health").AllowAnonymous().WithAnonymousAccess();
        health.MapGet("/live", GetLiveness).WithName(nameof(GetLiveness))
            .WithDescription("Answers 200 while the process runs. It checks no dependency, so an orchestrator restarts the process only when the process itself is stuck.")
            .WithSummary("Liveness: the process is up (no dependencies checked)");
        health.MapGet("/ready", GetReadiness).WithName(nameof(GetReadiness))
            .WithDescription("Answers 200 when the database answers and every migration is applied, else 503 with the failing checks.")
            .WithSummary("Readiness: the database answers and every migration is applied")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return health;
    }

    public static Ok<HealthResponse> GetLiveness() =>
        TypedResults.Ok(new HealthResponse("healthy", new Dictionary<string, string> { ["process"] = "up" }));

    public static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> GetReadiness(SeQuInDbContext db, CancellationToken ct)
    {
        var checks = new Dictionary<string, string>();
        try
        {
            if (!await db.Database.CanConnectAsync(ct))
            {
                checks["database"] = "unreachable";
            }
            else
            {
                checks["database"] = "reachable";
                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
                checks["migrations"] = pending == 0 ? "applied" : $"{pending} pending";
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            checks["database"] = "unreachable";
        }

        if (checks.GetValueOrDefault("database") == "reachable" && checks.GetValueOrDefault("migrations") == "applied")
        {
            return TypedResults.Ok(new HealthResponse("healthy", checks));
        }
        var problem = ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "The service is not ready.");
        problem.Extensions["checks"] = checks;
        return TypedResults.Problem(problem);
    }
}
