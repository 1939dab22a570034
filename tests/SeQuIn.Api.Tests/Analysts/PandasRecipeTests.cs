using System.Diagnostics;
using System.Text.Json.Nodes;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Analysts;

/// <summary>
/// The pandas recipe of docs/analysts.md, run as an analyst runs it: Debian's python3 with python3-pandas, against the
/// service as a process on a real port (on the shared test database), pulling twice, the second time incrementally.
/// </summary>
[Collection(WaitingApiCollection.Name)]
public sealed class PandasRecipeTests(SeQuInApiFixture fixture)
{
    private static readonly string RecipeDirectory = Path.Combine(Repository.Root, "docs", "analysts");

    /// <summary>What the analyst's script keeps between runs, summarised for the test.</summary>
    private const string Driver = """
        import json, os, sys
        import pandas as pd
        sys.path.insert(0, sys.argv[1])
        from sequin_ratings import update_ratings
        store = sys.argv[2]
        frame = pd.read_pickle(store) if os.path.exists(store) else None
        frame = update_ratings(frame, os.environ["SEQUIN_URL"], os.environ["SEQUIN_KEY"])
        frame.to_pickle(store)
        print(json.dumps({
            "rows": len(frame),
            "dtypes": {column: str(dtype) for column, dtype in frame.dtypes.items()},
            "months": sorted(frame["month"].dt.strftime("%Y-%m").unique().tolist()),
            "units": sorted(frame["unit"].unique().tolist()),
            "notApplicable": int(frame["notApplicable"].sum()),
            "missingValues": int(frame["value"].isna().sum()),
            "missingCollaboratives": int(frame["collaborative"].isna().sum()),
            "latest": frame["submittedAt"].max().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        }))
        """;

    [Fact]
    public async Task The_pandas_recipe_builds_a_typed_frame_and_a_second_pull_adds_only_what_is_new()
    {
        var directory = Directory.CreateTempSubdirectory("sequin-pandas-");
        await using var service = await ServiceProcess.StartServingAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:SeQuIn"] = fixture.App.ConnectionString,
            ["SeQuIn:Database:RuntimeRole"] = TestPostgres.RuntimeRole,
            ["SeQuIn:MigrateOnStartup"] = "false",
        });
        try
        {
            using var nationalAdmin = fixture.App.CreateClient(fixture.NationalAdminToken);
            var world = await AnalystWorld.CreateAsync(nationalAdmin, units: 2);
            using var admin = fixture.App.CreateClient(world.AdminToken);
            await world.ImportAsync(admin, "2025-11");
            var driver = Path.Combine(directory.FullName, "driver.py");
            await File.WriteAllTextAsync(driver, Driver);
            var store = Path.Combine(directory.FullName, "ratings.pkl");

            var first = await RunAsync(driver, store, service, world.AnalystToken);

            Assert.Equal(20, first["rows"]!.GetValue<int>());
            var dtypes = first["dtypes"]!.AsObject();
            Assert.Equal("datetime64[ns, UTC]", dtypes["submittedAt"]!.GetValue<string>());
            Assert.Equal("datetime64[ns]", dtypes["month"]!.GetValue<string>());
            Assert.Equal("Int64", dtypes["value"]!.GetValue<string>());
            Assert.Equal("boolean", dtypes["notApplicable"]!.GetValue<string>());
            Assert.Equal("string", dtypes["unit"]!.GetValue<string>());
            Assert.Equal(["2025-11"], first["months"]!.AsArray().Select(m => m!.GetValue<string>()));
            Assert.Equal(world.Units.Select(u => u.Code).Order(StringComparer.Ordinal), first["units"]!.AsArray().Select(u => u!.GetValue<string>()));
            Assert.Equal((2, 2, 20), (first["notApplicable"]!.GetValue<int>(), first["missingValues"]!.GetValue<int>(), first["missingCollaboratives"]!.GetValue<int>()));
            using var analyst = fixture.App.CreateClient(world.AnalystToken);
            var exported = JsonNode.Parse(await analyst.GetStringAsync("/api/v1/exports/ratings?limit=10000"))!["items"]!.AsArray();
            Assert.Equal(exported.Max(r => r!["submittedAt"]!.GetValue<string>()), first["latest"]!.GetValue<string>());

            await world.ImportAsync(admin, "2025-12");
            var second = await RunAsync(driver, store, service, world.AnalystToken);

            // The overlap re-read November's ratings: they are there once, beside December's.
            Assert.Equal(40, second["rows"]!.GetValue<int>());
            Assert.Equal(["2025-11", "2025-12"], second["months"]!.AsArray().Select(m => m!.GetValue<string>()));
            Assert.Equal((4, 4), (second["notApplicable"]!.GetValue<int>(), second["missingValues"]!.GetValue<int>()));
            Assert.True(string.CompareOrdinal(second["latest"]!.GetValue<string>(), first["latest"]!.GetValue<string>()) > 0);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_guide_shows_the_tested_pandas_recipe_word_for_word()
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "analysts.md"));
        var recipe = await File.ReadAllTextAsync(Path.Combine(RecipeDirectory, "sequin_ratings.py"));

        Assert.Contains("```python\n" + recipe + "```", guide, StringComparison.Ordinal);
    }

    /// <summary>Runs the driver with Debian's python3 (where python3-pandas installs) and returns its summary.</summary>
    private static async Task<JsonObject> RunAsync(string driver, string store, ServiceProcess service, string key)
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(driver);
        start.ArgumentList.Add(RecipeDirectory);
        start.ArgumentList.Add(store);
        start.Environment["SEQUIN_URL"] = service.BaseAddress.ToString().TrimEnd('/');
        start.Environment["SEQUIN_KEY"] = key;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{python} {driver} did not finish within 120 s: {await error}");
        }
        Assert.True(process.ExitCode == 0,
            $"{python} exited {process.ExitCode} (needs python3-pandas: apt-get install -y python3-pandas):\n{await error}\n{await output}");
        return JsonNode.Parse(await output)!.AsObject();
    }
}
