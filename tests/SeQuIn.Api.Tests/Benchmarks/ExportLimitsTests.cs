using System.Net;
using System.Net.Http.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Benchmarks;

/// <summary>
/// Exports hold a connection and a snapshot while their client reads: how many may run per caller and overall, and
/// what becomes of one whose client stops reading. Each test has a host of its own, with the limits set low.
/// </summary>
public sealed class ExportLimitsTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private const string Csv = "/api/v1/exports/ratings.csv";

    /// <summary>
    /// A network with 15,000 submitted ratings (about 1.6 MB of CSV): more than the export writes before its first
    /// flush, so an export whose client does not read stays open, holding its slot.
    /// </summary>
    private async Task<(HttpClient Admin, Guid NetworkId)> NetworkWithRatingsAsync(SeQuInApp app)
    {
        var admin = app.CreateClient(Fixture.NationalAdminToken);
        var network = await ReadAsync<NetworkResponse>(await admin.PostAsJsonAsync("/api/v1/networks", new CreateNetworkRequest(UniqueCode("N"), "Exports"), JsonOptions));
        var provider = await ReadAsync<ProviderResponse>(await admin.PostAsJsonAsync("/api/v1/providers", new CreateProviderRequest(UniqueCode("P"), "P", ProviderSector.Nhs), JsonOptions));
        var rows = new List<ImportRow>();
        for (var u = 0; u < 15; u++)
        {
            var unit = await ReadAsync<UnitResponse>(await admin.PostAsJsonAsync("/api/v1/units",
                new CreateUnitRequest(UniqueCode("U"), $"Unit {u}", SecurityLevel.Low, provider.Id, network.Id), JsonOptions));
            for (var m = 0; m < 100; m++)
            {
                var month = new DateOnly(2025, 12, 1).AddMonths(-m).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
                rows.AddRange(Enumerable.Range(1, 10).Select(i => new ImportRow(unit.Code, "INV", month, $"INV-{i:00}", (i + m) % 4 + 1)));
            }
        }
        await ReadAsync<ImportReport>(await admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows), JsonOptions));
        return (admin, network.Id);
    }

    private static async Task<HttpClient> AnalystAsync(SeQuInApp app, HttpClient admin, Guid networkId) =>
        app.CreateClient((await ReadAsync<CreatedApiKeyResponse>(await admin.PostAsJsonAsync("/api/v1/keys",
            new CreateApiKeyRequest("analyst", Role.Analyst, new ScopeInput(ScopeKind.Network, networkId)), JsonOptions))).Token);

    /// <summary>Starts an export and reads nothing of it but the headers.</summary>
    private static async Task<HttpResponseMessage> HoldAsync(HttpClient client, string? acceptEncoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Csv);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(acceptEncoding is null ? [] : [acceptEncoding], response.Content.Headers.ContentEncoding);
        return response;
    }

    private static async Task AssertRefusedAtOnceAsync(HttpClient client, string url)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, patience.Token);
        await ReadProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
    }

    /// <summary>The server frees a slot when it notices that the client has gone: soon, not at once.</summary>
    private static async Task<HttpStatusCode> ExportOnceFreeAsync(HttpClient client)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await client.GetAsync(Csv);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 50)
            {
                return response.StatusCode;
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_export_over_the_callers_or_the_services_limit_is_refused_at_once_and_a_freed_slot_serves_the_next()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?>
        {
            ["SeQuIn:RateLimits:ConcurrentExportsPerCaller"] = "2",
            ["SeQuIn:RateLimits:ConcurrentExports"] = "3",
        });
        var (admin, networkId) = await NetworkWithRatingsAsync(app);
        using var first = await AnalystAsync(app, admin, networkId);
        using var second = await AnalystAsync(app, admin, networkId);
        using var third = await AnalystAsync(app, admin, networkId);

        var held = new List<HttpResponseMessage> { await HoldAsync(first), await HoldAsync(first) };
        await AssertRefusedAtOnceAsync(first, Csv);
        await AssertRefusedAtOnceAsync(first, "/api/v1/exports/ratings?limit=10");
        held.Add(await HoldAsync(second));
        await AssertRefusedAtOnceAsync(third, Csv);

        held[0].Dispose();
        Assert.Equal(HttpStatusCode.OK, await ExportOnceFreeAsync(third));
        held.ForEach(h => h.Dispose());
    }

    /// <remarks>
    /// Compressed too: the compressor sits under the same pipe, so its writes wait, and time out, as the plain ones do.
    /// Not with br: Brotli packs this network's 1.6 MB into less than the test host buffers, so nothing ever waits.
    /// </remarks>
    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    public async Task An_export_whose_client_stops_reading_is_abandoned_after_the_write_timeout(string? acceptEncoding)
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?>
        {
            ["SeQuIn:RateLimits:ConcurrentExportsPerCaller"] = "1",
            ["SeQuIn:Exports:WriteTimeoutSeconds"] = "1",
            ["Logging:LogLevel:SeQuIn.Api.Benchmarks"] = "Information",
        });
        var (admin, networkId) = await NetworkWithRatingsAsync(app);
        using var analyst = await AnalystAsync(app, admin, networkId);

        using var stalled = await HoldAsync(analyst, acceptEncoding);
        await AssertRefusedAtOnceAsync(analyst, Csv);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(HttpStatusCode.OK, await ExportOnceFreeAsync(analyst));
        Assert.Contains(app.Logs.Lines, line => line.Contains("CSV export abandoned", StringComparison.Ordinal));
    }
}
