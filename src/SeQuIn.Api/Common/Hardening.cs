using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using SeQuIn.Api.Access;

namespace SeQuIn.Api.Common;

/// <summary>Rate limits, forwarded headers from configured proxies, Kestrel data rates, CORS for configured front ends, and security headers.</summary>
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
            options.OnRejected = (context, _) => new ValueTask(WriteTooManyRequestsAsync(context.HttpContext,
                context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1), "Too many requests"));
        });

        services.Configure<ForwardedHeadersOptions>(options => TrustConfiguredProxies(options, configuration));

        // Kestrel's defaults, stated because the limits here rely on them: a client that sends or takes less than
        // 240 bytes a second (after 5 s of grace) is dropped, so a trickled upload or a download nobody reads ends.
        // Kestrel grants each write its size divided by the rate, so exports also bound each write themselves.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options =>
        {
            options.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(240, TimeSpan.FromSeconds(5));
            options.Limits.MinResponseDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(240, TimeSpan.FromSeconds(5));
        });

        var origins = configuration.GetSection("SeQuIn:Cors:AllowedOrigins").Get<string[]>() ?? [];
        services.AddCors(options => options.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(origins)
            .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key")
            .WithExposedHeaders("ETag", "Location", "Retry-After", "Idempotent-Replayed", Observability.TraceResponse.Header, Changes.ChangesApi.PositionHeader)
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        return services;
    }

    /// <summary>
    /// X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies and networks configured in
    /// SeQuIn:ForwardedHeaders:KnownProxies and :KnownNetworks (CIDR). ASP.NET Core's defaults (loopback) are cleared.
    /// Every hop is checked against the list, so a chain of configured proxies may be walked back to the client.
    /// </summary>
    private static void TrustConfiguredProxies(ForwardedHeadersOptions options, IConfiguration configuration)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = null;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in configuration.GetSection("SeQuIn:ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
        {
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                ? address
                : throw new InvalidOperationException($"SeQuIn:ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
        }
        foreach (var network in configuration.GetSection("SeQuIn:ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"SeQuIn:ForwardedHeaders:KnownNetworks: '{network}' is not a network written address/prefix."));
        }
    }

    /// <summary>
    /// Applies forwarded headers only when some proxy is configured: with both lists empty, the middleware would
    /// believe every peer, and anyone could choose the address their limits are counted against.
    /// </summary>
    public static IApplicationBuilder UseTrustedForwardedHeaders(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        return options.KnownProxies.Count + options.KnownIPNetworks.Count == 0 ? app : app.UseForwardedHeaders();
    }

    /// <summary>429 problem+json with Retry-After in whole seconds (at least 1).</summary>
    public static Task WriteTooManyRequestsAsync(HttpContext context, TimeSpan retryAfter, string reason)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = ApiProblems.Create(429, "Too Many Requests", $"{reason}; retry after {seconds} s."),
        }).AsTask();
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
            // JSON only: nothing but the reference page is ever to be rendered, and nothing framed, by a browser.
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ApiReference.Path)
                ? ApiReference.ContentSecurityPolicy
                : "default-src 'none'; frame-ancestors 'none'";
        }
        return next(context);
    });
}
