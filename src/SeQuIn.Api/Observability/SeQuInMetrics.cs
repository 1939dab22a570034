using System.Diagnostics.Metrics;

namespace SeQuIn.Api.Observability;

/// <summary>
/// The service's own instruments, on the meter "SeQuIn": what the framework's request metrics cannot tell, the rows
/// that exports and imports move and the exports turned away. One per host (IMeterFactory). Hosts in one process (the
/// tests) still share listeners: an OpenTelemetry meter provider sees every host's "SeQuIn" meter, so a test that counts
/// must listen to its own host's meters only (TelemetryTests does).
/// </summary>
public sealed class SeQuInMetrics
{
    public const string MeterName = "SeQuIn";

    private readonly Counter<long> _exportedRows;
    private readonly Counter<long> _refusedExports;
    private readonly Counter<long> _importedRows;

    public SeQuInMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName, typeof(SeQuInMetrics).Assembly.GetName().Version?.ToString());
        _exportedRows = meter.CreateCounter<long>("sequin.export.rows", "{row}",
            "Ratings sent by the exports, by sequin.export.format (csv, json).");
        _refusedExports = meter.CreateCounter<long>("sequin.export.refused", "{export}",
            "Exports answered 429 because the caller's or the service's export slots were all taken.");
        _importedRows = meter.CreateCounter<long>("sequin.import.rows", "{row}",
            "History rows accepted by imports, by sequin.import.dry_run (true: checked only, false: stored).");
    }

    public void RowsExported(long rows, string format) =>
        _exportedRows.Add(rows, new KeyValuePair<string, object?>("sequin.export.format", format));

    public void ExportRefused() => _refusedExports.Add(1);

    public void RowsImported(long rows, bool dryRun) =>
        _importedRows.Add(rows, new KeyValuePair<string, object?>("sequin.import.dry_run", dryRun));
}
