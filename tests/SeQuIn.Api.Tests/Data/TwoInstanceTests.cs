using System.Net;
using System.Net.Http.Json;
using Npgsql;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Data;

/// <summary>
/// Several service processes on one database behave as one: migrations run under an advisory lock, and ETags,
/// idempotency keys and submissions are the database's, not an instance's.
/// </summary>
[Collection(WaitingApiCollection.Name)]
public sealed class TwoInstanceTests(SeQuInApiFixture fixture)
{
    [Fact]
    public async Task Two_migrate_commands_started_at_once_on_an_empty_database_both_succeed_and_migrate_once()
    {
        var database = SeQuInApiFixture.NewDatabaseName("sequin_instances");
        await fixture.Postgres.EnsureRolesAsync();
        await fixture.Postgres.DropDatabaseAsync(database);
        await fixture.Postgres.CreateDatabaseAsync(database, owner: TestPostgres.OwnerRole);
        var settings = Settings(database);
        try
        {
            await using var first = ServiceProcess.StartCommand(settings, "migrate");
            await using var second = ServiceProcess.StartCommand(settings, "migrate");

            var exitCodes = await Task.WhenAll(first.WaitForExitAsync(TimeSpan.FromSeconds(120)), second.WaitForExitAsync(TimeSpan.FromSeconds(120)));

            Assert.True(exitCodes.All(code => code == 0), $"exit codes {string.Join(", ", exitCodes)}\n--- first ---\n{first.Output}\n--- second ---\n{second.Output}");
            var migrations = typeof(Program).Assembly.GetTypes().Count(t => t.GetCustomAttributes(typeof(Microsoft.EntityFrameworkCore.Migrations.MigrationAttribute), false).Length > 0);
            Assert.Equal(migrations, await ScalarAsync<long>(database, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
            Assert.Equal(migrations, await ScalarAsync<long>(database, "SELECT count(DISTINCT migration_id) FROM \"__EFMigrationsHistory\""));
            Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM framework_versions"));
            Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM audit_events WHERE action = 'framework.imported'"));
        }
        finally
        {
            SeQuInApiFixture.ClearPoolsOf(fixture.Postgres.ConnectionString(database, TestPostgres.RuntimeRole),
                fixture.Postgres.ConnectionString(database, TestPostgres.OwnerRole));
            await fixture.Postgres.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Two_service_processes_on_one_database_drive_the_same_unit_as_one_service()
    {
        var database = SeQuInApiFixture.NewDatabaseName("sequin_instances");
        await fixture.CreateMigratedDatabaseAsync(database);
        var adminToken = fixture.NationalAdminToken;
        // Both migrate on start-up, at once, on a migrated database: one waits for the other, then finds nothing to do.
        var settings = new Dictionary<string, string?>(Settings(database)) { ["SeQuIn:MigrateOnStartup"] = "true" };
        ServiceProcess? a = null, b = null;
        try
        {
            var starting = new[] { ServiceProcess.StartServingAsync(settings), ServiceProcess.StartServingAsync(settings) };
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                a = starting[0].IsCompletedSuccessfully ? await starting[0] : null;
                b = starting[1].IsCompletedSuccessfully ? await starting[1] : null;
            }
            using var adminA = a!.CreateClient(adminToken);
            var world = await ServiceWorld.CreateAsync(adminA);
            using var memberA = a.CreateClient(world.MemberToken);
            using var memberB = b!.CreateClient(world.MemberToken);
            var onA = new AssessmentDriver(memberA, world.Unit.Id);
            var onB = new AssessmentDriver(memberB, world.Unit.Id);

            var created = await onA.CreateAsync();
            var editedOnB = await onB.RateAllAsync(created, value: 2);
            var lostUpdate = await onA.SendAsync(HttpMethod.Put, $"/api/v1/assessments/{created.Id}/ratings",
                new RatingsRequest(AssessmentDriver.InvolvementStandards.Select(code => new RatingInput(code, 3)).ToList()), AssessmentDriver.ETagOf(created));
            Assert.Equal(HttpStatusCode.PreconditionFailed, lostUpdate.StatusCode);

            var key = Guid.NewGuid().ToString();
            var request = new CreateAssessmentRequest(world.Unit.Id, "TEC", AssessmentDriver.FreshMonth());
            var firstAnswer = await PostWithKeyAsync(memberA, key, request);
            var replayAnswer = await PostWithKeyAsync(memberB, key, request);
            Assert.Equal(HttpStatusCode.Created, firstAnswer.StatusCode);
            Assert.Equal(HttpStatusCode.Created, replayAnswer.StatusCode);
            Assert.Equal((await AssessmentDriver.ReadAsync<AssessmentDetail>(firstAnswer)).Id, (await AssessmentDriver.ReadAsync<AssessmentDetail>(replayAnswer)).Id);
            Assert.True(replayAnswer.Headers.Contains("Idempotent-Replayed"), "instance B did not replay instance A's answer");
            Assert.Single((await AssessmentDriver.ReadAsync<Page<AssessmentSummary>>(
                await memberB.GetAsync($"/api/v1/assessments?unitId={world.Unit.Id}&areaCode=TEC"))).Items);

            var submitted = await onA.SubmitAsync(await onA.AgreeAsync(editedOnB));
            using var adminB = b.CreateClient(adminToken);
            var exported = await AssessmentDriver.ReadAsync<Page<RatingExportRow>>(
                await adminB.GetAsync($"/api/v1/exports/ratings?unitCode={world.Unit.Code}&from={submitted.Month}&to={submitted.Month}"));
            Assert.Equal(AssessmentDriver.InvolvementStandards, exported.Items.Select(r => r.Standard).Order());
            Assert.All(exported.Items, r => Assert.Equal(2, r.Value));
        }
        finally
        {
            foreach (var service in new[] { a, b })
            {
                if (service is not null)
                {
                    await service.DisposeAsync();
                }
            }
            SeQuInApiFixture.ClearPoolsOf(fixture.Postgres.ConnectionString(database, TestPostgres.RuntimeRole),
                fixture.Postgres.ConnectionString(database, TestPostgres.OwnerRole));
            await fixture.Postgres.DropDatabaseAsync(database);
        }
    }

    private Dictionary<string, string?> Settings(string database) => new()
    {
        ["ConnectionStrings:SeQuIn"] = fixture.Postgres.ConnectionString(database, TestPostgres.RuntimeRole),
        ["ConnectionStrings:SeQuInOwner"] = fixture.Postgres.ConnectionString(database, TestPostgres.OwnerRole),
        ["SeQuIn:Database:RuntimeRole"] = TestPostgres.RuntimeRole,
    };

    private static Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string key, CreateAssessmentRequest body)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/assessments") { Content = JsonContent.Create(body, options: Json.Options) };
        message.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(message);
    }

    private async Task<T> ScalarAsync<T>(string database, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(fixture.Postgres.ConnectionString(database)) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
