using System.Globalization;
using System.Threading.RateLimiting;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Benchmarks;

/// <summary>
/// What one caller, and everyone together, may hold of the database through exports. A CSV export holds a pooled
/// connection, a REPEATABLE READ snapshot and a thread for as long as its client reads; without a bound, one caller
/// could open enough slow downloads to starve the pool. Each export takes a slot per caller
/// (SeQuIn:RateLimits:ConcurrentExportsPerCaller, default 2) and one of the service's
/// (SeQuIn:RateLimits:ConcurrentExports, default 8) until its response has been sent; with none free the answer is
/// 429 at once, never a queue.
/// </summary>
public sealed class ExportLimits : IDisposable
{
    /// <summary>Exports take seconds: a client told to come back sooner would only be refused again.</summary>
    private const int RetryAfterSeconds = 5;

    private readonly PartitionedRateLimiter<HttpContext> _perCaller;
    private readonly PartitionedRateLimiter<HttpContext> _overall;
    private readonly PartitionedRateLimiter<HttpContext> _slots;

    public ExportLimits(IConfiguration configuration)
    {
        var perCaller = Math.Max(1, configuration.GetValue("SeQuIn:RateLimits:ConcurrentExportsPerCaller", 2));
        var overall = Math.Max(1, configuration.GetValue("SeQuIn:RateLimits:ConcurrentExports", 8));
        WriteTimeout = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("SeQuIn:Exports:WriteTimeoutSeconds", 30.0)));
        _perCaller = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            RateLimitPartition.GetConcurrencyLimiter(Caller.From(http.User).Actor, _ => Slots(perCaller)));
        _overall = PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetConcurrencyLimiter("all", _ => Slots(overall)));
        _slots = PartitionedRateLimiter.CreateChained(_perCaller, _overall);
    }

    /// <summary>
    /// How long one write may wait for a client that has stopped reading before the export is abandoned and its
    /// connection and snapshot freed (SeQuIn:Exports:WriteTimeoutSeconds, default 30). Kestrel's minimum response data
    /// rate does not bound this: it grants every write its size divided by the rate, over an hour for a 1 MB flush.
    /// </summary>
    public TimeSpan WriteTimeout { get; }

    /// <summary>Endpoint filter: takes the caller's slot and the service's, or answers 429 with Retry-After.</summary>
    public static async ValueTask<object?> TakeSlot(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var lease = http.RequestServices.GetRequiredService<ExportLimits>()._slots.AttemptAcquire(http);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            http.RequestServices.GetRequiredService<Observability.SeQuInMetrics>().ExportRefused();
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(ApiProblems.Create(StatusCodes.Status429TooManyRequests, "Too Many Requests",
                $"Too many exports running (yours or everyone's); retry after {RetryAfterSeconds} s."));
        }
        // Held until the response has been sent, not only until the handler returns: a JSON page is written after it.
        http.Response.RegisterForDispose(lease);
        return await next(context);
    }

    private static ConcurrencyLimiterOptions Slots(int permits) => new()
    {
        PermitLimit = permits,
        QueueLimit = 0,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    };

    public void Dispose()
    {
        _slots.Dispose();
        _perCaller.Dispose();
        _overall.Dispose();
    }
}

/// <summary>A client took nothing from a blocked write for <see cref="ExportLimits.WriteTimeout"/>.</summary>
public sealed class ClientStalledException(TimeSpan timeout)
    : Exception($"The client read nothing for {timeout.TotalSeconds:0} s; the export was abandoned.");
