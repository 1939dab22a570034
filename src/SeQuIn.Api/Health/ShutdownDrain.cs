using System.Collections.Concurrent;
using System.Globalization;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Health;

/// <summary>
/// Graceful shutdown. When the host starts stopping (SIGTERM), readiness answers 503 at once and every new request
/// but the health probes is refused with 503 and Retry-After, while the requests already in flight (a CSV export
/// included) run on for up to <c>SeQuIn:Shutdown:DrainSeconds</c> (default 25). Whatever is still running then is cut
/// (its connection aborted, which cancels its RequestAborted token and so its database work), and the host stops.
/// </summary>
/// <remarks>
/// The wait is in <see cref="StoppingAsync"/>, which the host runs before it stops any hosted service: Kestrel goes on
/// serving throughout the drain, so a request in flight can finish and a new one is answered (refused) rather than
/// meeting a closed port. Kestrel itself would wait for in-flight requests too, but only up to the host's whole
/// shutdown timeout and without refusing new ones on open keep-alive connections; and a cut at that point comes
/// after the orchestrator has given up waiting.
/// </remarks>
public sealed class ShutdownDrain(IHostApplicationLifetime lifetime, TimeProvider clock, IConfiguration configuration, ILogger<ShutdownDrain> logger)
    : IHostedLifecycleService
{
    public const string DrainSecondsKey = "SeQuIn:Shutdown:DrainSeconds";

    /// <summary>The host's shutdown timeout beyond the drain: time for cut requests to unwind and the host to stop.</summary>
    public static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(10);

    /// <summary>Another instance can take the request at once: the refusal also closes the connection, so the retry lands elsewhere.</summary>
    public const int RetryAfterSeconds = 1;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>How long cut requests are given to unwind before the host goes on stopping regardless.</summary>
    private static readonly TimeSpan UnwindPeriod = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<HttpContext, byte> _inFlight = new();
    private volatile bool _stopping;

    public TimeSpan DrainPeriod { get; } = DrainPeriodFrom(configuration);

    /// <summary>
    /// True from the moment the host starts stopping. A SIGTERM fires ApplicationStopping before the host runs
    /// <see cref="StoppingAsync"/>; a host stopped directly runs StoppingAsync first: either one starts the drain.
    /// </summary>
    public bool IsDraining => _stopping || lifetime.ApplicationStopping.IsCancellationRequested;

    public static TimeSpan DrainPeriodFrom(IConfiguration configuration) =>
        TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue(DrainSecondsKey, 25.0)));

    /// <summary>Middleware: counts the request in flight, or refuses it while draining. Health probes pass untouched.</summary>
    public Task ServeAsync(HttpContext http, RequestDelegate next) =>
        http.Request.Path.StartsWithSegments("/health") ? next(http) : TrackAsync(http, next);

    private async Task TrackAsync(HttpContext http, RequestDelegate next)
    {
        // Counted before the check: a drain that starts in between sees this request and waits for it.
        _inFlight.TryAdd(http, 0);
        try
        {
            if (IsDraining)
            {
                await RefuseAsync(http);
                return;
            }
            await next(http);
        }
        finally
        {
            _inFlight.TryRemove(http, out _);
        }
    }

    private static async Task RefuseAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        // A keep-alive connection would bring the retry back to this instance.
        http.Response.Headers.Connection = "close";
        var problem = ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
            $"This instance is shutting down; retry after {RetryAfterSeconds} s.");
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var started = clock.GetTimestamp();
        if (!_inFlight.IsEmpty)
        {
            logger.LogInformation("Shutting down: {Count} requests in flight, draining for up to {Seconds} s", _inFlight.Count, DrainPeriod.TotalSeconds);
        }
        await WhileInFlightAsync(DrainPeriod, cancellationToken);
        if (!_inFlight.IsEmpty)
        {
            logger.LogWarning("Drain period of {Seconds} s over: cutting {Count} requests still in flight", DrainPeriod.TotalSeconds, _inFlight.Count);
            foreach (var http in _inFlight.Keys)
            {
                http.Abort();
            }
            await WhileInFlightAsync(UnwindPeriod, cancellationToken);
        }
        logger.LogInformation("Drained in {Elapsed} ms; stopping", (long)clock.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task WhileInFlightAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        while (!_inFlight.IsEmpty && clock.GetElapsedTime(started) < limit && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(Poll, clock, CancellationToken.None);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class ShutdownDrainSetup
{
    public static IServiceCollection AddShutdownDrain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(provider => provider.GetRequiredService<ShutdownDrain>());
        // The host waits this long in all for its services to stop: the drain, then time for the cut to unwind.
        services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownDrain.DrainPeriodFrom(configuration) + ShutdownDrain.StopMargin);
        return services;
    }

    public static IApplicationBuilder UseShutdownDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<ShutdownDrain>();
        return app.Use(drain.ServeAsync);
    }
}
