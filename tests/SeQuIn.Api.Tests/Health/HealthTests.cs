using System.Net;
using SeQuIn.Api.Health;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Health;

[Collection(WaitingApiCollection.Name)]
public sealed class HealthTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task Liveness_answers_without_touching_the_database()
    {
        var health = await ReadAsync<HealthResponse>(await Client.GetAsync("/health/live"));
        Assert.Equal("healthy", health.Status);
    }

    [Fact]
    public async Task Readiness_reports_a_reachable_database_with_every_migration_applied()
    {
        var health = await ReadAsync<HealthResponse>(await Client.GetAsync("/health/ready"));

        Assert.Equal("healthy", health.Status);
        Assert.Equal("reachable", health.Checks["database"]);
        Assert.Equal("applied", health.Checks["migrations"]);
    }

    [Fact]
    public async Task With_the_database_unreachable_every_call_that_needs_it_answers_503_with_retry_after_and_liveness_stays_200()
    {
        await using var app = new SeQuInApp("Host=127.0.0.1;Port=1;Database=none;Username=none");
        using var anonymous = app.CreateClient();
        using var signedIn = app.CreateClient("sqn_k_000000000000_" + new string('A', 43));

        var answers = new[]
        {
            await anonymous.GetAsync("/api/v1/frameworks/active"),
            await signedIn.GetAsync("/api/v1/units"),
            await signedIn.PostAsync("/api/v1/networks", JsonBody("""{"code":"N-1","name":"N"}""")),
        };

        foreach (var response in answers)
        {
            var problem = await ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("5", response.Headers.RetryAfter?.ToString());
            Assert.Contains("database", problem["detail"]!.GetValue<string>());
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Readiness_fails_with_a_503_problem_when_the_database_is_unreachable()
    {
        await using var app = new SeQuInApp("Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=2");
        using var client = app.CreateClient();

        var response = await client.GetAsync("/health/ready");
        var problem = await ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable);

        Assert.Equal("unreachable", problem["checks"]!["database"]!.GetValue<string>());
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
    }

    [Fact]
    public async Task A_flood_of_readiness_probes_costs_one_database_check_per_interval()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?>
        {
            ["SeQuIn:Health:ReadinessCacheSeconds"] = "60",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
        });
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var afterOneCheck = HistoryReads(app);

        var flood = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetAsync("/health/ready")));

        Assert.True(afterOneCheck > 0, "the migration history reads are not logged");
        Assert.All(flood, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(afterOneCheck, HistoryReads(app));
    }

    [Fact]
    public async Task Readiness_turns_503_with_retry_after_once_its_database_is_gone_and_the_interval_has_passed()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?>
        {
            ["SeQuIn:Health:ReadinessCacheSeconds"] = "1",
        });
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        await Fixture.Postgres.DropDatabaseAsync(new Npgsql.NpgsqlConnectionStringBuilder(app.ConnectionString).Database!);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var response = await client.GetAsync("/health/ready");

        var problem = await ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("unreachable", problem["checks"]!["database"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    private static int HistoryReads(SeQuInApp app) =>
        app.Logs.Lines.Count(line => line.Contains("Executed DbCommand", StringComparison.Ordinal) && line.Contains("__EFMigrationsHistory", StringComparison.Ordinal));
}
