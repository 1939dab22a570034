using System.Globalization;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using nietras.SeparatedValues;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Benchmarks;

/// <summary>
/// The CSV export (a binary COPY of narrow columns, codes resolved in the service) against the JSON export (the
/// joined query): the same rows and values, the same filters and scope, CSV escaping, and a header even when empty.
/// </summary>
public sealed class CsvExportTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private const string Header = "network,collaborative,provider,sector,unit,securityLevel,month,frameworkVersion,area,standard,value,notApplicable,submittedAt,assessmentId," +
                                  "agreedRating,areaMean,staffView,serviceUserView,confirmation";

    private sealed record World(NetworkResponse Network, CollaborativeResponse Collaborative, ProviderResponse Provider, UnitResponse[] Units,
        HttpClient Admin, HttpClient Analyst, HttpClient CollaborativeAnalyst);

    /// <summary>A network of three units (the first two in a collaborative, the last in none), two providers, INV ratings for two months.</summary>
    private async Task<World> WorldAsync()
    {
        var network = await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Network")));
        var collaborative = await ReadAsync<CollaborativeResponse>(await PostAsync("/api/v1/collaboratives", new CreateCollaborativeRequest(UniqueCode("C"), "C")));
        var nhs = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs)));
        var independent = await ReadAsync<ProviderResponse>(await PostAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "Q", ProviderSector.Independent)));
        var units = new[]
        {
            await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "A", SecurityLevel.Low, nhs.Id, network.Id, collaborative.Id))),
            await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "B", SecurityLevel.Medium, independent.Id, network.Id, collaborative.Id))),
            await ReadAsync<UnitResponse>(await PostAsync("/api/v1/units", new CreateUnitRequest(UniqueCode("U"), "C", SecurityLevel.Low, nhs.Id, network.Id))),
        };
        var admin = await KeyAsync(Role.NetworkAdmin, new ScopeInput(ScopeKind.Network, network.Id));
        var analyst = await KeyAsync(Role.Analyst, new ScopeInput(ScopeKind.Network, network.Id));
        var collaborativeAnalyst = await KeyAsync(Role.Analyst, new ScopeInput(ScopeKind.Collaborative, CollaborativeId: collaborative.Id));
        var rows = new List<ImportRow>();
        foreach (var (unit, u) in units.Select((unit, u) => (unit, u)))
        {
            foreach (var month in new[] { "2025-11", "2025-12" })
            {
                rows.AddRange(Enumerable.Range(1, 10).Select(i => i == u + 2
                    ? new ImportRow(unit.Code, "INV", month, $"INV-{i:00}", NotApplicable: true, NotApplicableReason: "Not in place here")
                    : new ImportRow(unit.Code, "INV", month, $"INV-{i:00}", (i + u) % 4 + 1)));
            }
        }
        await ReadAsync<ImportReport>(await admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows), JsonOptions));
        return new World(network, collaborative, nhs, units, admin, analyst, collaborativeAnalyst);
    }

    private async Task<HttpClient> KeyAsync(Role role, ScopeInput scope) =>
        Fixture.App.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await PostAsync("/api/v1/keys", new CreateApiKeyRequest(role.ToString(), role, scope)))).Token);

    private static async Task<List<RatingExportRow>> JsonAsync(HttpClient client, string filters)
    {
        var rows = new List<RatingExportRow>();
        string? cursor = null;
        do
        {
            var page = await ReadAsync<Page<RatingExportRow>>(await client.GetAsync($"/api/v1/exports/ratings?limit=10000{filters}" + (cursor is null ? "" : $"&cursor={cursor}")));
            rows.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return rows;
    }

    /// <summary>The CSV as the rows the JSON export would give (parsed with Sep, unescaping), and the raw text.</summary>
    private static async Task<(List<RatingExportRow> Rows, string Text)> CsvAsync(HttpClient client, string filters)
    {
        using var response = await client.GetAsync("/api/v1/exports/ratings.csv?" + filters.TrimStart('&'));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith(Header + "\n", text, StringComparison.Ordinal);
        var rows = new List<RatingExportRow>();
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromText(text);
        foreach (var row in reader)
        {
            rows.Add(new RatingExportRow(row["network"].ToString(), row["collaborative"].ToString() is { Length: > 0 } c ? c : null,
                row["provider"].ToString(), row["sector"].ToString(), row["unit"].ToString(), row["securityLevel"].ToString(), row["month"].ToString(),
                row["frameworkVersion"].ToString(), row["area"].ToString(), row["standard"].ToString(),
                row["value"].ToString() is { Length: > 0 } v ? int.Parse(v, CultureInfo.InvariantCulture) : null,
                bool.Parse(row["notApplicable"].ToString()),
                DateTimeOffset.ParseExact(row["submittedAt"].ToString(), UtcTimestamp.Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                Guid.ParseExact(row["assessmentId"].ToString(), "D"),
                Number(row["agreedRating"].ToString()), row["areaMean"].ToString() is { Length: > 0 } m ? decimal.Parse(m, CultureInfo.InvariantCulture) : null,
                Number(row["staffView"].ToString()), Number(row["serviceUserView"].ToString()),
                row["confirmation"].ToString() is { Length: > 0 } c2 ? c2 : null));
            Assert.Equal(rows[^1].AssessmentId.ToString("D"), row["assessmentId"].ToString());
            // The one form of time: UTC, milliseconds, Z.
            Assert.Equal(UtcTimestamp.ToText(rows[^1].SubmittedAt), row["submittedAt"].ToString());
        }
        return (rows, text);
    }

    private static int? Number(string text) => text.Length > 0 ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    private static List<RatingExportRow> Sorted(IEnumerable<RatingExportRow> rows) =>
        rows.OrderBy(r => r.Unit, StringComparer.Ordinal).ThenBy(r => r.Month, StringComparer.Ordinal).ThenBy(r => r.Standard, StringComparer.Ordinal).ToList();

    [Fact]
    public async Task The_csv_export_holds_the_rows_and_values_of_the_json_export()
    {
        var w = await WorldAsync();

        var json = Sorted(await JsonAsync(w.Analyst, ""));
        var (csv, text) = await CsvAsync(w.Analyst, "");

        Assert.Equal(60, json.Count);
        Assert.Equal(json, Sorted(csv));
        Assert.Equal(61, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var first = json.First(r => r.Unit == w.Units[1].Code && r.Standard == "INV-03");
        Assert.Equal((w.Network.Code, w.Collaborative.Code, "independent", "medium", "2025-11", true, (int?)null),
            (first.Network, first.Collaborative, first.Sector, first.SecurityLevel, first.Month, first.NotApplicable, first.Value));
        Assert.All(json.Where(r => r.Unit == w.Units[2].Code), r => Assert.Null(r.Collaborative));
        Assert.Contains($"\n{w.Network.Code},,{w.Provider.Code},nhs,{w.Units[2].Code},low,2025-12,2021.1,INV,INV-01,4,false,", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/exports/ratings?areaCode=INV%00", "areaCode")]
    [InlineData("/api/v1/exports/ratings.csv?areaCode=INV%00", "areaCode")]
    [InlineData("/api/v1/exports/ratings?unitCode=U%00", "unitCode")]
    [InlineData("/api/v1/exports/ratings.csv?unitCode=U%0A1", "unitCode")]
    public async Task A_code_holding_a_control_character_is_refused_naming_the_filter(string url, string field)
    {
        var message = await ReadFieldErrorAsync(await Client.GetAsync(url), field);

        Assert.Contains("control characters", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_csv_export_still_sends_the_header()
    {
        var w = await WorldAsync();

        var (rows, text) = await CsvAsync(w.Analyst, "&unitCode=NO-SUCH-UNIT");
        Assert.Empty(rows);
        Assert.Equal(Header + "\n", text);

        var nothingYet = await KeyAsync(Role.Analyst, new ScopeInput(ScopeKind.Network,
            (await ReadAsync<NetworkResponse>(await PostAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Empty")))).Id));
        Assert.Equal(Header + "\n", (await CsvAsync(nothingYet, "")).Text);
    }

    [Theory]
    [InlineData("&from=2025-12")]
    [InlineData("&to=2025-11")]
    [InlineData("&from=2025-12&to=2025-12&areaCode=INV")]
    [InlineData("&areaCode=TEC")]
    [InlineData("&areaCode=INV&areaCode=TEC")]
    [InlineData("&areaCode=X%27)%20OR%20true%20--")]
    [InlineData("&areaCode=%5C%27%3B%20SELECT%201%3B%20--")]
    [InlineData("&areaCode=%C3%A9%E2%82%AC")]
    [InlineData("&updatedSince=2000-01-01T00:00:00Z")]
    [InlineData("&updatedSince=2999-01-01T00:00:00%2B01:00")]
    [InlineData("&unitCode=NO-SUCH-UNIT&areaCode=INV")]
    public async Task The_csv_export_applies_the_filters_of_the_json_export(string filters)
    {
        var w = await WorldAsync();

        Assert.Equal(Sorted(await JsonAsync(w.Analyst, filters)), Sorted((await CsvAsync(w.Analyst, filters)).Rows));
    }

    [Fact]
    public async Task The_csv_export_filters_by_unit_codes_and_submission_time()
    {
        var w = await WorldAsync();
        var filters = $"&unitCode={w.Units[2].Code}&unitCode={w.Units[0].Code}&unitCode={w.Units[0].Code}";

        var (rows, _) = await CsvAsync(w.Analyst, filters);
        Assert.Equal(40, rows.Count);
        Assert.Equal(Sorted(await JsonAsync(w.Analyst, filters)), Sorted(rows));

        var submitted = rows.Max(r => r.SubmittedAt);
        var since = $"&updatedSince={Uri.EscapeDataString(submitted.ToString("O", CultureInfo.InvariantCulture))}";
        var (fromThen, _) = await CsvAsync(w.Analyst, since);
        Assert.NotEmpty(fromThen);
        Assert.Equal(Sorted(await JsonAsync(w.Analyst, since)), Sorted(fromThen));
        var justAfter = $"&updatedSince={Uri.EscapeDataString(submitted.AddTicks(10).ToString("O", CultureInfo.InvariantCulture))}";
        Assert.Equal(Sorted(await JsonAsync(w.Analyst, justAfter)), Sorted((await CsvAsync(w.Analyst, justAfter)).Rows));
    }

    [Fact]
    public async Task The_csv_export_keeps_to_the_callers_networks_and_collaboratives()
    {
        var w = await WorldAsync();
        var other = await WorldAsync();

        var mine = (await CsvAsync(w.Analyst, "")).Rows;
        Assert.Equal(w.Units.Select(u => u.Code).Order(StringComparer.Ordinal), mine.Select(r => r.Unit).Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(mine, r => r.Network == other.Network.Code);

        // A collaborative analyst reads the collaborative's units, not the network's other unit.
        var collaborative = (await CsvAsync(w.CollaborativeAnalyst, "")).Rows;
        Assert.Equal(w.Units[..2].Select(u => u.Code).Order(StringComparer.Ordinal), collaborative.Select(r => r.Unit).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(Sorted(await JsonAsync(w.CollaborativeAnalyst, "")), Sorted(collaborative));

        // A national admin reads both worlds.
        var everything = (await CsvAsync(Client, $"&unitCode={w.Units[0].Code}&unitCode={other.Units[0].Code}")).Rows;
        Assert.Equal(2, everything.Select(r => r.Network).Distinct().Count());
    }

    [Fact]
    public async Task Codes_holding_commas_quotes_or_line_breaks_are_quoted_in_the_csv()
    {
        // The validators allow only capitals, digits and hyphens in codes, but rows written before them, or by SQL,
        // may hold anything: the CSV quotes such a field and doubles its quotes, as the Sep writer did.
        var w = await WorldAsync();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (network, provider, unit) = ($"N,\"{suffix}\"", $"P\n{suffix}", $"U \"{suffix}");
        await using (var db = Fixture.App.CreateDbContext())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE networks SET code = {network} WHERE id = {w.Network.Id}");
            await db.Database.ExecuteSqlAsync($"UPDATE providers SET code = {provider} WHERE id = {w.Provider.Id}");
            await db.Database.ExecuteSqlAsync($"UPDATE units SET code = {unit} WHERE id = {w.Units[2].Id}");
        }

        var (rows, text) = await CsvAsync(w.Analyst, $"&unitCode={Uri.EscapeDataString(unit)}");

        Assert.Equal(20, rows.Count);
        Assert.All(rows, r => Assert.Equal((network, provider, unit), (r.Network, r.Provider, r.Unit)));
        Assert.Contains($"\n\"N,\"\"{suffix}\"\"\",,\"P\n{suffix}\",nhs,\"U \"\"{suffix}\",low,2025-11,", text, StringComparison.Ordinal);
        Assert.Equal(Sorted(await JsonAsync(w.Analyst, $"&unitCode={Uri.EscapeDataString(unit)}")), Sorted(rows));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("a,b")]
    [InlineData("say \"hi\"")]
    [InlineData("\"")]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData(" padded ")]
    [InlineData("semi;colon\ttab")]
    [InlineData("ünïcödé, €")]
    public void Escaping_matches_the_sep_writer(string field)
    {
        using var expected = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = Sep.New(',').Writer(o => o with { Escape = true, WriteHeader = false }).To(expected))
        {
            using var row = writer.NewRow();
            row["x"].Set(field);
        }
        var line = expected.ToString();
        Assert.Equal(line[..line.LastIndexOf('\n')].TrimEnd('\r'), CsvFields.Escape(field));

        var bytes = System.Text.Encoding.UTF8.GetBytes(field);
        var destination = new byte[2 * bytes.Length + 2];
        var length = CsvFields.WriteEscaped(bytes, destination);
        Assert.Equal(CsvFields.Escape(field), System.Text.Encoding.UTF8.GetString(destination, 0, length));
    }

    [Fact]
    public void Filter_values_are_written_into_the_copy_as_safe_literals()
    {
        Assert.Equal("E'it''s a \\\\'' test'", RatingsCopySql.StringLiteral("it's a \\' test"));
        // Truncated to the microsecond, as Npgsql sends a DateTimeOffset parameter, and in UTC.
        Assert.Equal("'2026-03-04 05:06:07.123456+00'::timestamptz",
            RatingsCopySql.TimestampLiteral(new DateTimeOffset(2026, 3, 4, 6, 6, 7, TimeSpan.FromHours(1)).AddTicks(1_234_567)));
    }
}
