using System.Text.Json;
using SeQuIn.Benchmarks;

// The harness's steps; run.sh runs them in order. See README.md.
//   load    --connection CS --out load.json
//   measure --connection CS --url URL --key KEY --pid PID --load load.json --results DIR [--work DIR] [--service-app NAME]
var command = args.FirstOrDefault();
var options = Arguments.Parse(args.Skip(1));
switch (command)
{
    case "load":
        var figures = await Loader.RunAsync(options.Required("connection"));
        await File.WriteAllTextAsync(options.Required("out"), JsonSerializer.Serialize(figures, Report.JsonOptions));
        return 0;
    default:
        Console.Error.WriteLine("Usage: SeQuIn.Benchmarks load|measure [--option value ...] (see README.md)");
        return 2;
}
