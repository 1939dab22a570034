using System.Reflection;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SeQuIn.Api.Observability;

/// <summary>
/// Traces, metrics and logs in OpenTelemetry's terms, configured only by the standard OTEL_* variables: a span per
/// request with the Npgsql commands under it; request rate and latency by route, connection-pool use, runtime
/// (GC, memory, threads) and the service's own counters (<see cref="SeQuInMetrics"/>). Nothing leaves the process
/// unless an OTLP endpoint is set; the trace id is in every answer's traceresponse header (<see cref="TraceResponse"/>).
/// </summary>
public static class Telemetry
{
    public const string DefaultServiceName = "sequin-api";

    /// <summary>Any of these set means "export over OTLP"; each signal falls back to the general endpoint, as the specification says.</summary>
    private static readonly string[] OtlpEndpoints =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    ];

    public static IServiceCollection AddSeQuInTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SeQuInMetrics>();
        services.AddTransient<IStartupFilter, TraceResponse.StartupFilter>();

        var version = typeof(Telemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var telemetry = services.AddOpenTelemetry()
            // AddService would override OTEL_SERVICE_NAME with the default, so the variable is read here.
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? DefaultServiceName, serviceVersion: version))
            // Always on, exporter or not, so that what the tests see is what runs; where nothing is exported the instruments
            // can still be read in-process (dotnet-counters). OTEL_SDK_DISABLED=true turns all of it off.
            .WithTracing(tracing => tracing
                // No request or response bodies, no headers; url.query is recorded with its values redacted (the
                // instrumentation's default), and exceptions are not recorded as events: their messages may quote input.
                .AddAspNetCoreInstrumentation(options => options.RecordException = false)
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                // http.server.request.duration by http.route (rate = its count), Kestrel connections, rate-limiter queues.
                .AddAspNetCoreInstrumentation()
                // db.client.connection.* per pool: in use, idle, pending requests, time to get a connection.
                .AddNpgsqlInstrumentation()
                // The runtime's own meter since .NET 9 (GC, heap, working set, thread-pool threads): what a soak run watches.
                .AddMeter("System.Runtime")
                .AddMeter(SeQuInMetrics.MeterName));
        if (OtlpEndpoints.Any(name => !string.IsNullOrWhiteSpace(configuration[name])))
        {
            // Logs join the other signals only when they go somewhere: otherwise the console has them already.
            telemetry.WithLogging().UseOtlpExporter();
        }

        // The JSON console formatter writes the TraceId and SpanId of each line only as scopes: on unless configured off.
        if (configuration["Logging:Console:FormatterOptions:IncludeScopes"] is null)
        {
            services.Configure<JsonConsoleFormatterOptions>(options => options.IncludeScopes = true);
        }
        return services;
    }
}
