using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Access;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Access;

public sealed class SecretHygieneTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task No_key_secret_is_kept_in_plain_text_in_the_database_or_the_logs()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug" });
        using var admin = app.CreateClient(Fixture.NationalAdminToken);
        var network = await ReadAsync<NetworkResponse>(await admin.PostAsJsonAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "N"), JsonOptions));
        var created = await ReadAsync<CreatedApiKeyResponse>(await admin.PostAsJsonAsync("/api/v1/keys",
            new CreateApiKeyRequest("Scanned", Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, network.Id)), JsonOptions));
        using var client = app.CreateClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/units")).StatusCode);
        var rotated = await ReadAsync<CreatedApiKeyResponse>(await client.PostAsJsonAsync($"/api/v1/keys/{created.Key.Id}/rotate", new RotateApiKeyRequest(), JsonOptions));
        await client.PostAsJsonAsync($"/api/v1/keys/{created.Key.Id}/revoke", new RevokeRequest("Scanned"), JsonOptions);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/units")).StatusCode);

        var secrets = new[] { created.Token, rotated.Token, Fixture.NationalAdminToken }.Select(SecretOf).ToList();
        var database = await DumpAsTextAsync(app);
        var logs = string.Join('\n', app.Logs.Lines);

        Assert.NotEmpty(app.Logs.Lines);
        Assert.Contains(created.Key.KeyId, database);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, database);
            Assert.DoesNotContain(secret, logs);
        }
    }

    /// <summary>Every column of every table in the public schema, cast to text.</summary>
    private static async Task<string> DumpAsTextAsync(SeQuInApp app)
    {
        await using var db = app.CreateDbContext();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var dump = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT t::text FROM \"{table}\" t", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                dump.AppendLine(reader.GetString(0));
            }
        }
        return dump.ToString();
    }
}
