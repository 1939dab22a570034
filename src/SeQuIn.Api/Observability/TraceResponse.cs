using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace SeQuIn.Api.Observability;

/// <summary>
/// Every answer names its trace in a <c>traceresponse</c> header (W3C Trace Context Level 2:
/// version-traceid-spanid-flags), the same value as the traceId of a problem body, so that a client can quote it
/// for a success as well as for an error, and an operator can find the request's span and log lines.
/// </summary>
public static class TraceResponse
{
    public const string Header = "traceresponse";

    /// <summary>
    /// Puts the header on at the very start of the pipeline, before any middleware that may answer on its own
    /// (forwarded headers, exception handler, authentication, rate limiter); set when the response starts, as the
    /// exception handler clears the headers of a failed answer before writing its problem.
    /// </summary>
    internal sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(static (context, nextMiddleware) =>
            {
                context.Response.OnStarting(static state =>
                {
                    var http = (HttpContext)state;
                    // The request's own span, not Activity.Current: a response may start inside a child span.
                    if (http.Features.Get<IHttpActivityFeature>()?.Activity is { IdFormat: ActivityIdFormat.W3C } activity)
                    {
                        http.Response.Headers[Header] = activity.Id;
                    }
                    return Task.CompletedTask;
                }, context);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
