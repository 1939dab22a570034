using System.Globalization;
using Npgsql;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Changes;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Changes;

/// <summary>Exports that say which change-feed position they are consistent with, and changedAfter (ADR 0027).</summary>
public sealed class ExportPositionTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task Every_page_of_a_json_pull_states_the_position_of_its_first_page_and_ratings_written_meanwhile_are_left_to_the_next_pull()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var (first, _) = await world.Member.CreateSubmittedAsync();
        var (second, _) = await world.Member.CreateSubmittedAsync();
        var filter = $"unitCode={world.Unit.Code}";

        using var firstPage = await world.Analyst.GetAsync($"/api/v1/exports/ratings?{filter}&limit=5");
        var page = await ReadAsync<Page<RatingExportRow>>(firstPage);
        var position = PositionOf(firstPage);
        var (meanwhile, _) = await world.Member.CreateSubmittedAsync();
        var pull = page.Items.ToList();
        while (page.NextCursor is { } cursor)
        {
            using var next = await world.Analyst.GetAsync($"/api/v1/exports/ratings?{filter}&limit=5&cursor={cursor}");
            page = await ReadAsync<Page<RatingExportRow>>(next);
            Assert.Equal(position, PositionOf(next));
            pull.AddRange(page.Items);
        }
        var (body, stated) = await ReadPastAsync(world.Analyst, $"/api/v1/exports/ratings?{filter}&changedAfter={position}", await TransactionOfAsync(meanwhile.Id));
        var later = System.Text.Json.JsonSerializer.Deserialize<Page<RatingExportRow>>(body, JsonOptions)!.Items;

        Assert.DoesNotContain(pull, r => r.AssessmentId == meanwhile.Id);
        Assert.Equal(10, later.Count(r => r.AssessmentId == meanwhile.Id));
        Assert.All(new[] { first.Id, second.Id }, id => Assert.Equal(10, pull.Concat(later).Where(r => r.AssessmentId == id).Select(r => r.Standard).Distinct().Count()));
        Assert.True(ChangesApi.TryDecode(stated, out var after));
        Assert.True(ChangesApi.TryDecode(position, out var before));
        Assert.True(after.Transaction > before.Transaction);
    }

    [Fact]
    public async Task The_csv_export_states_its_position_and_changedAfter_sends_only_the_ratings_written_after_it()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var (before, _) = await world.Member.CreateSubmittedAsync();
        // A position past the transaction that wrote them (another test's transaction may hold it back for a moment).
        var (_, position) = await ReadPastAsync(world.Analyst, $"/api/v1/exports/ratings.csv?unitCode={world.Unit.Code}", await TransactionOfAsync(before.Id));
        var (after, _) = await world.Member.CreateSubmittedAsync();

        var (text, stated) = await ReadPastAsync(world.Analyst, $"/api/v1/exports/ratings.csv?unitCode={world.Unit.Code}&changedAfter={position}",
            await TransactionOfAsync(after.Id));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(11, lines.Length);
        // assessmentId is the 14th column (later columns were added after it: ADR 0032).
        Assert.All(lines.Skip(1), line => Assert.Equal(after.Id.ToString("D"), line.Split(',')[13]));
        Assert.NotEqual(position, stated);
    }

    [Theory]
    [InlineData("/api/v1/exports/ratings?changedAfter=nonsense")]
    [InlineData("/api/v1/exports/ratings.csv?changedAfter=AAAA")]
    public async Task A_position_the_service_did_not_issue_is_refused_naming_changedAfter(string url)
    {
        Assert.NotEmpty(await ReadFieldErrorAsync(await Client.GetAsync(url), "changedAfter"));
    }

    [Fact]
    public async Task A_rating_row_carries_the_transaction_that_wrote_it_even_when_a_statement_names_another()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var (submitted, _) = await world.Member.CreateSubmittedAsync();
        await using var connection = new NpgsqlConnection(Fixture.App.OwnerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // One text of several statements (no parameters): the id is a Guid the test made.
        await using var command = new NpgsqlCommand($"""
            UPDATE standard_results SET value = value WHERE assessment_id = '{submitted.Id}';
            INSERT INTO standard_results (assessment_id, standard_code, unit_id, network_id, sector, security_level, area_code, month,
                                          framework_identifier, value, not_applicable, submitted_at, transaction_id)
            SELECT assessment_id, 'EXTRA', unit_id, network_id, sector, security_level, area_code, month, framework_identifier, value,
                   not_applicable, submitted_at, '1'
            FROM standard_results WHERE assessment_id = '{submitted.Id}' AND standard_code = 'INV-01';
            SELECT count(*) FILTER (WHERE transaction_id = pg_current_xact_id()), count(*) FROM standard_results WHERE assessment_id = '{submitted.Id}'
            """, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((11L, 11L), (reader.GetInt64(0), reader.GetInt64(1)));
        await reader.CloseAsync();
        await transaction.RollbackAsync();
    }

    /// <summary>Reads an export until the position it states is past <paramref name="transaction"/>: its body and that position.</summary>
    private static async Task<(string Body, string Position)> ReadPastAsync(HttpClient client, string url, ulong transaction)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            var position = PositionOf(response);
            if (ChangesApi.TryDecode(position, out var at) && at.Transaction > transaction)
            {
                return (body, position);
            }
            Assert.True(DateTime.UtcNow < deadline, $"The export's position did not pass transaction {transaction}.");
            await Task.Delay(50);
        }
    }

    private static string PositionOf(HttpResponseMessage response) => response.Headers.GetValues(ChangesApi.PositionHeader).Single();

    private async Task<ulong> TransactionOfAsync(Guid assessment)
    {
        await using var connection = new NpgsqlConnection(Fixture.App.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT max(transaction_id::text::numeric)::text FROM standard_results WHERE assessment_id = $1", connection)
        {
            Parameters = { new NpgsqlParameter<Guid> { TypedValue = assessment } },
        };
        return ulong.Parse((string)(await command.ExecuteScalarAsync())!, CultureInfo.InvariantCulture);
    }
}
