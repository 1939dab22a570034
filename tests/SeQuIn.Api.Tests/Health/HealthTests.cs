using System.Net;
using SeQuIn.Api.Health;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Health;

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
    public async Task Readiness_fails_with_a_503_problem_when_the_database_is_unreachable()
    {
        await using var app = new SeQuInApp("Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=2");
        using var client = app.CreateClient();

        var problem = await ReadProblemAsync(await client.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable);

        Assert.Equal("unreachable", problem["checks"]!["database"]!.GetValue<string>());
    }
}
