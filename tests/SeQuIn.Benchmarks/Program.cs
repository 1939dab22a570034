using System.Text.Json;
using SeQuIn.Benchmarks;

// The harness's two steps; run.sh runs them in order around starting the service. See README.md.
//   load    --connection CS --out load.json [--keys drop|keep] [--rebuild bulk|plain] [--maintenance-work-mem SIZE] [--work-mem SIZE]
//   measure --connection CS --url URL --key KEY --pid PID --load load.json --results DIR
//           [--work DIR] [--service-app sequin-api] [--pgbench PATH] [--wrk PATH] [--commit TEXT] [--seconds 10] [--samples 300]
//           [--only export,stack,queries,unit-month,area-group,trend,freshness]   (a partial run prints, and writes no report)
//   report  --results DIR        (renders DIR/latest.md again from DIR/latest.json)
//   screen  [--seconds 1]        (the privacy screen's throughput on adversarial and ordinary text; no database)
//   scale-load    --connection CS --out load.json --networks N --months M   (streamed; see ScaleLoader)
//   scale-measure (measure's options) --load load.json --scale S --out run.json [--variant full|primary|replica]
//   scale-report  --runs DIR --results DIR   (DIR/*.json of scale-measure into results/scale.md and scale.json)
//   soak    --connection CS --url URL --key KEY --pid PID --results DIR [--seconds 600] [--runs steady,restart] [--share 0.7]
//           [--capacity-seconds 12] [--pg-ctl PATH --pgdata DIR --pg-log FILE --pg-work DIR] [--outage-seconds 0] [--commit TEXT]   (see Soak.cs)
//   import  --connection CS --url URL --key KEY --pid PID --results DIR [--runs 3] [--commit TEXT]   (see ImportMeasure.cs)
//   webhooks --connection CS --api-dir DIR --service-connection CS --key KEY --results DIR [--pid-file FILE] [--work DIR]
//           [--submissions 200] [--events 600] [--rate 10] [--burst-months 30] [--commit TEXT] [--note TEXT]   (see WebhookMeasure.cs)
//   fhir    --url URL --key KEY --load load.json --results DIR [--samples 300] [--commit TEXT]   (see FhirMeasure.cs)
//   webhooks-report --results DIR   (renders DIR/webhooks.md again from DIR/webhooks.json)
//   soak-report --results DIR    (renders DIR/soak.md again from DIR/soak.json)
var command = args.FirstOrDefault();
var options = Arguments.Parse(args.Skip(1));
switch (command)
{
    case "load":
    {
        var figures = await Loader.RunAsync(options.Required("connection"), LoadOptions.From(options));
        await File.WriteAllTextAsync(options.Required("out"), JsonSerializer.Serialize(figures, Report.JsonOptions));
        return 0;
    }
    case "measure":
    {
        var load = JsonSerializer.Deserialize<LoadFigures>(await File.ReadAllTextAsync(options.Required("load")), Report.JsonOptions)
            ?? throw new InvalidOperationException("The load figures are empty.");
        var measure = new Measure(options);
        var parts = options.Optional("only", "export,stack,queries,freshness").Split(',').ToHashSet(StringComparer.Ordinal);
        var (queries, stack, freshness, export) = await measure.RunAsync(load, parts);
        if (stack is null || freshness is null || export is null || queries.Count < 3)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { queries, stack, freshness, export }, Report.JsonOptions));
            return 0;
        }
        var environment = await Report.EnvironmentAsync(options.Required("connection"), options.Optional("commit", "unknown"), options.Optional("wrk", "wrk"),
            measure.IdleBusyCores, measure.OtherProcesses);
        var results = new Results(environment, Report.Table(load, queries, freshness, export), load, queries, stack, freshness, export);
        await Report.WriteAsync(options.Required("results"), results);
        Console.WriteLine();
        foreach (var row in results.Table)
        {
            var met = row.Met switch { true => "met", false => "NOT MET", null => "" };
            Console.WriteLine($"  {row.Figure,14:N2} {row.Unit,-14} ratio {(row.Ratio is { } r ? r.ToString("0.00") : "—"),6}  {row.Target,-20} {met,-7} {row.Measure}");
        }
        return 0;
    }
    case "fhir":
    {
        var results = await FhirMeasure.RunAsync(options);
        await FhirMeasure.WriteAsync(options.Required("results"), results);
        return 0;
    }
    case "report":
    {
        var directory = options.Required("results");
        var results = JsonSerializer.Deserialize<Results>(await File.ReadAllTextAsync(Path.Combine(directory, "latest.json")), Report.JsonOptions)
            ?? throw new InvalidOperationException("latest.json is empty.");
        await Report.WriteAsync(directory, results);
        return 0;
    }
    case "screen":
    {
        var seconds = double.Parse(options.Optional("seconds", "1"), System.Globalization.CultureInfo.InvariantCulture);
        ScreenBenchmark.Print(ScreenBenchmark.Run(seconds), ScreenBenchmark.Growth(seconds));
        return 0;
    }
    // The scale runs (scale.sh, README "How cost grows with the data"): a streamed load, a measure per scale, the report.
    case "scale-load":
    {
        var figures = await ScaleLoader.RunAsync(options.Required("connection"), int.Parse(options.Required("networks"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(options.Required("months"), System.Globalization.CultureInfo.InvariantCulture));
        await File.WriteAllTextAsync(options.Required("out"), JsonSerializer.Serialize(figures, Report.JsonOptions));
        return 0;
    }
    case "scale-measure":
    {
        var run = await ScaleMeasure.RunAsync(options);
        await File.WriteAllTextAsync(options.Required("out"), JsonSerializer.Serialize(run, Report.JsonOptions));
        return 0;
    }
    case "scale-report":
    {
        await ScaleReport.WriteAsync(options.Required("results"), options.Required("runs"));
        return 0;
    }
    case "import":
    {
        var import = await ImportMeasure.RunAsync(options);
        await ImportMeasure.WriteAsync(options.Required("results"), import);
        Console.WriteLine(await File.ReadAllTextAsync(Path.Combine(options.Required("results"), "import.md")));
        return 0;
    }
    case "webhooks":
    {
        var webhooks = await WebhookMeasure.RunAsync(options);
        await WebhookReport.WriteAsync(options.Required("results"), webhooks);
        Console.WriteLine(await File.ReadAllTextAsync(Path.Combine(options.Required("results"), "webhooks.md")));
        return 0;
    }
    case "webhooks-report":
    {
        var directory = options.Required("results");
        var webhooks = JsonSerializer.Deserialize<WebhookMeasure.Results>(await File.ReadAllTextAsync(Path.Combine(directory, "webhooks.json")), Report.JsonOptions)
            ?? throw new InvalidOperationException("webhooks.json is empty.");
        await WebhookReport.WriteAsync(directory, webhooks);
        return 0;
    }
    case "soak-report":
    {
        var directory = options.Required("results");
        var soak = JsonSerializer.Deserialize<SoakResults>(await File.ReadAllTextAsync(Path.Combine(directory, "soak.json")), Report.JsonOptions)
            ?? throw new InvalidOperationException("soak.json is empty.");
        await SoakReport.WriteAsync(directory, soak);
        return 0;
    }
    case "soak":
    {
        var soak = await new Soak(options).RunAsync();
        return soak.Runs.All(r => r.Check.Passed) ? 0 : 1;
    }
    default:
        Console.Error.WriteLine("Usage: SeQuIn.Benchmarks load|measure|report|screen|scale-load|scale-measure|scale-report|soak|soak-report|import|webhooks|webhooks-report [--option value ...] (see README.md)");
        return 2;
}
