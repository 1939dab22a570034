using System.Net;
using System.Net.Http.Headers;
using SeQuIn.Api.Common;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Framework;

public sealed class FrameworkCatalogueTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task The_active_framework_has_twelve_areas_of_ten_standards_with_easy_read_text()
    {
        var framework = await ReadAsync<FrameworkVersionDetail>(await Client.GetAsync("/api/v1/frameworks/active"));

        Assert.Equal("2021.1", framework.Identifier);
        Assert.Equal(FrameworkStatus.Active, framework.Status);
        Assert.Equal(12, framework.Areas.Count);
        Assert.All(framework.Areas, area =>
        {
            Assert.Equal(10, area.Standards.Count);
            Assert.False(string.IsNullOrWhiteSpace(area.EasyReadName));
            Assert.False(string.IsNullOrWhiteSpace(area.EasyReadDescription));
            Assert.All(area.Standards, standard =>
            {
                Assert.StartsWith(area.Code + "-", standard.Code);
                Assert.False(string.IsNullOrWhiteSpace(standard.EasyReadStatement));
                Assert.NotEmpty(standard.PictureKeywords);
            });
        });
        Assert.Equal(120, framework.Areas.SelectMany(a => a.Standards).Select(s => s.Code).Distinct().Count());
        Assert.Equal(["INV", "RPW", "RCO", "RRP", "CPA", "FFC", "MDT", "DHW", "MAC", "SRA", "RAS", "TEC"],
            framework.Areas.Select(a => a.Code));
    }

    [Fact]
    public async Task The_first_scale_runs_from_not_in_place_to_embedded()
    {
        var scale = await ReadAsync<ScaleResponse>(await Client.GetAsync("/api/v1/frameworks/2021.1/scale"));

        Assert.Equal(["Not in place", "Starting", "Developing", "Established", "Embedded"], scale.Points.Select(p => p.Label));
        Assert.Equal([0, 1, 2, 3, 4], scale.Points.Select(p => p.Value));
        Assert.Equal((0, 4), (scale.Minimum, scale.Maximum));
        Assert.True(scale.AllowNotApplicable);
        Assert.True(scale.NotApplicableRequiresReason);
        Assert.Equal(ScoringRule.MeanOfApplicable, scale.ScoringRule);
        Assert.All(scale.Points, p => Assert.False(string.IsNullOrWhiteSpace(p.EasyReadLabel)));
    }

    [Fact]
    public async Task An_area_is_read_with_its_standards_in_order()
    {
        var area = await ReadAsync<AreaDetail>(await Client.GetAsync("/api/v1/frameworks/active/areas/RAS"));

        Assert.Equal("Recruitment and Selection", area.Name);
        Assert.Equal("2021.1", area.FrameworkIdentifier);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"RAS-{i:00}"), area.Standards.Select(s => s.Code));
    }

    [Fact]
    public async Task A_standard_is_read_by_its_stable_code()
    {
        var standard = await ReadAsync<StandardResponse>(await Client.GetAsync("/api/v1/frameworks/2021.1/standards/INV-01"));

        Assert.Equal("INV", standard.AreaCode);
        Assert.Equal(1, standard.Order);
        Assert.NotEmpty(standard.EvidenceSources);
    }

    [Theory]
    [InlineData("/api/v1/frameworks/1999.9")]
    [InlineData("/api/v1/frameworks/2021.1/areas/XYZ")]
    [InlineData("/api/v1/frameworks/2021.1/standards/INV-99")]
    [InlineData("/api/v1/frameworks/1999.9/scale")]
    public async Task Unknown_versions_areas_and_standards_answer_404_problems(string url)
    {
        var problem = await ReadProblemAsync(await Client.GetAsync(url), HttpStatusCode.NotFound);
        Assert.False(string.IsNullOrEmpty(problem["detail"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Catalogue_reads_carry_an_etag_and_answer_304_when_it_still_matches()
    {
        var first = await Client.GetAsync("/api/v1/frameworks/active");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/api/v1/frameworks/active");
        revalidate.Headers.IfNoneMatch.Add(etag);
        var second = await Client.SendAsync(revalidate);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_stale_etag_gets_the_full_representation()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/frameworks/2021.1/areas/INV");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"stale\""));
        var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual("\"stale\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task The_version_list_shows_the_first_version_with_its_counts()
    {
        var page = await ReadAsync<Page<FrameworkVersionSummary>>(await Client.GetAsync("/api/v1/frameworks?status=active"));

        var active = Assert.Single(page.Items);
        Assert.Equal(("2021.1", 12, 120), (active.Identifier, active.AreaCount, active.StandardCount));
        Assert.Null(page.NextCursor);
    }
}
