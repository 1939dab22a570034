using SeQuIn.Api.Access;
using SeQuIn.Api.Common;
using SeQuIn.Api.Observability;

namespace SeQuIn.Api.Benchmarks;

/// <summary>
/// What the benchmark and insight handlers share: who asks, the settings (group size thresholds), the framework
/// shapes and the clock. Not the database: these endpoints read from the replica when it is fresh enough, and
/// <see cref="Replica.ReplicaReads"/> swaps the handler's database argument for the replica's per request, so the
/// database stays a parameter of its own.
/// </summary>
public readonly record struct BenchmarkServices(Caller Caller, IConfiguration Configuration, FrameworkShapes Frameworks, TimeProvider Clock)
    : IServiceBundle;

/// <summary>
/// What the CSV export shares with its helpers: who asks, the request, the export limits, the metrics and the log.
/// Not the database, for the same reason as <see cref="BenchmarkServices"/>.
/// </summary>
public readonly record struct ExportServices(
    Caller Caller, HttpContext Http, ExportLimits Limits, SeQuInMetrics Metrics, ILogger<ExportLimits> Logger) : IServiceBundle;
