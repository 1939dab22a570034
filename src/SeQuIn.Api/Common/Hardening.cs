using System.Threading.RateLimiting;
using SeQuIn.Api.Access;

namespace SeQuIn.Api.Common;

/// <summary>Rate limits, CORS for configured front ends, and security headers.</summary>
public static class Hardening
{
    public const string CorsPolicy = "front-ends";

    public static IServiceCollection AddSeQuInHardening(this IServiceCollection services, IConfiguration configuration)
    {
        var perCaller = configuration.GetValue("SeQuIn:RateLimits:PerCallerPerMinute", 600);
        var anonymous = configuration.GetValue("SeQuIn:RateLimits:AnonymousPerMinute", 120);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Signed-in callers are limited per key or subject; anonymous callers, more strictly, per address.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.Request.Path.StartsWithSegments("/health"))
                {
                    return RateLimitPartition.GetNoLimiter("health");
                }
                var caller = Caller.From(context.User);
                return caller.Actor == Caller.Anonymous.Actor
                    ? RateLimitPartition.GetFixedWindowLimiter("address:" + context.Connection.RemoteIpAddress, _ => Window(anonymous))
                    : RateLimitPartition.GetFixedWindowLimiter("caller:" + caller.Actor, _ => Window(perCaller));
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = ApiProblems.Create(429, "Too Many Requests", $"Too many requests; retry after {seconds} s."),
                });
            };
        });

        var origins = configuration.GetSection("SeQuIn:Cors:AllowedOrigins").Get<string[]>() ?? [];
        services.AddCors(options => options.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(origins)
            .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key")
            .WithExposedHeaders("ETag", "Location", "Retry-After", "Idempotent-Replayed")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        return services;
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (!context.Request.Path.StartsWithSegments("/swagger"))
        {
            // JSON only: nothing here is ever to be rendered or framed by a browser.
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
        }
        return next(context);
    });
}
