using System.Globalization;
using System.Threading.RateLimiting;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Families;

/// <summary>
/// What one client address may do with share codes, counted in memory per instance (as failed sign-ins are):
/// wrong codes (SeQuIn:RateLimits:FamilyWrongCodesPerHour, default 10) and responses sent
/// (SeQuIn:RateLimits:FamilyResponsesPerHour, default 30). An address that has used up its wrong codes is refused
/// every share-code request before any code is looked up, so a guessing burst never reaches a unit; IPv6 clients
/// are counted per /64 (<see cref="FailedSignIns.PartitionOf"/>). The address is used only here, in memory: it is
/// never stored with a response.
/// </summary>
public sealed class FamilyLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _wrongCodes;
    private readonly PartitionedRateLimiter<string> _responses;

    public FamilyLimits(IConfiguration configuration)
    {
        _wrongCodes = PerHour(configuration.GetValue("SeQuIn:RateLimits:FamilyWrongCodesPerHour", 10));
        _responses = PerHour(configuration.GetValue("SeQuIn:RateLimits:FamilyResponsesPerHour", 30));
    }

    /// <summary>Endpoint filter for every share-code endpoint: 429 with Retry-After once the address's wrong codes are used up.</summary>
    public static async ValueTask<object?> RefuseGuessers(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var limits = context.HttpContext.RequestServices.GetRequiredService<FamilyLimits>();
        return limits.IsExhausted(limits._wrongCodes, context.HttpContext, out var retryAfter)
            ? TooMany(context.HttpContext, retryAfter, "Too many wrong share codes from your address")
            : await next(context);
    }

    /// <summary>Takes one of the address's responses; when none is left, the 429 to answer with.</summary>
    public Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? TakeResponse(HttpContext http)
    {
        using var lease = _responses.AttemptAcquire(Partition(http), 1);
        return lease.IsAcquired ? null : TooMany(http, RetryAfter(lease), "Too many responses from your address");
    }

    public void RecordWrongCode(HttpContext http) => _wrongCodes.AttemptAcquire(Partition(http), 1).Dispose();

    private bool IsExhausted(PartitionedRateLimiter<string> limiter, HttpContext http, out TimeSpan retryAfter)
    {
        using var lease = limiter.AttemptAcquire(Partition(http), 0);
        retryAfter = RetryAfter(lease);
        return !lease.IsAcquired;
    }

    private static string Partition(HttpContext http) => FailedSignIns.PartitionOf(http.Connection.RemoteIpAddress);

    private static TimeSpan RetryAfter(RateLimitLease lease) => lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromHours(1);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooMany(HttpContext http, TimeSpan retryAfter, string reason)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(ApiProblems.Create(StatusCodes.Status429TooManyRequests, "Too Many Requests", $"{reason}; retry after {seconds} s."));
    }

    private static PartitionedRateLimiter<string> PerHour(int permits) =>
        PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = TimeSpan.FromHours(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public void Dispose()
    {
        _wrongCodes.Dispose();
        _responses.Dispose();
    }
}
