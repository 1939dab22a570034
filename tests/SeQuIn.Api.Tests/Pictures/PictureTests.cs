using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Pictures;
using SeQuIn.Api.Tests.Analysts;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Pictures;

/// <summary>The SVG pictures and the meeting pack over HTTP: valid XML, parsed back to the figures of the JSON they draw.</summary>
public sealed class PictureTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>A network of its own (with <see cref="AnalystWorld"/>), and clients for its administrator and its analyst.</summary>
    private async Task<(NetworkResponse Network, UnitResponse[] Units, HttpClient Admin, HttpClient Analyst)> WorldAsync(int units = 4,
        string name = "Network")
    {
        var world = await AnalystWorld.CreateAsync(Client, units, name);
        return (world.Network, world.Units, Fixture.App.CreateClient(world.AdminToken), Fixture.App.CreateClient(world.AnalystToken));
    }

    /// <summary>Ten ratings of the value, the first <paramref name="higher"/> of them one more (an area score of value + higher / 10).</summary>
    private static IEnumerable<ImportRow> Area(UnitResponse unit, string area, string month, int value, int higher = 0) =>
        Enumerable.Range(1, 10).Select(i => new ImportRow(unit.Code, area, month, $"{area}-{i:00}", i <= higher ? value + 1 : value));

    private static async Task ImportAsync(HttpClient admin, IEnumerable<ImportRow> rows) =>
        await ReadAsync<ImportReport>(await admin.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows.ToList()), JsonOptions));

    /// <summary>The picture as a parsed XML document, after checking it is SVG with a title and a desc.</summary>
    internal static async Task<XElement> SvgAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Expected success, got {(int)response.StatusCode}: {body}");
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var root = XDocument.Parse(body).Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal("0 0 768", string.Join(' ', root.Attribute("viewBox")!.Value.Split(' ')[..3]));
        Assert.False(string.IsNullOrWhiteSpace(root.Element(Svg + "title")?.Value));
        Assert.False(string.IsNullOrWhiteSpace(root.Element(Svg + "desc")?.Value));
        Assert.All(root.Descendants(Svg + "text"), t => Assert.True(int.Parse(t.Attribute("font-size")!.Value, CultureInfo.InvariantCulture) >= 14,
            $"Text '{t.Value}' is smaller than 14px at 768px wide"));
        return root;
    }

    internal static decimal? Number(XElement element, string attribute) =>
        element.Attribute(attribute)?.Value is { Length: > 0 } text ? decimal.Parse(text, CultureInfo.InvariantCulture) : null;

    [Fact]
    public async Task The_radar_carries_every_figure_of_the_unit_benchmark_it_draws()
    {
        var (_, units, admin, analyst) = await WorldAsync();
        await ImportAsync(admin, units.SelectMany((u, i) => Area(u, "INV", "2026-04", i + 1).Concat(Area(u, "RRP", "2026-04", 4 - i))));

        var json = await ReadAsync<UnitBenchmark>(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[2].Id}?month=2026-04"));
        var svg = await SvgAsync(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[2].Id}/radar.svg?month=2026-04"));

        var drawn = svg.Descendants(Svg + "g").Where(g => g.Attribute("data-area") is not null).ToDictionary(g => g.Attribute("data-area")!.Value);
        Assert.Equal(json.Areas.Select(a => a.Code), drawn.Keys);
        Assert.All(json.Areas, area =>
        {
            var g = drawn[area.Code];
            Assert.Equal((area.Score, area.Group.Median, area.Group.LowerQuartile, area.Group.UpperQuartile),
                (Number(g, "data-score"), Number(g, "data-median"), Number(g, "data-lower-quartile"), Number(g, "data-upper-quartile")));
        });
        var desc = svg.Element(Svg + "desc")!.Value;
        Assert.Contains("Involvement (INV): unit 3, group median 2.5 (quartiles 1.75 to 3.25).", desc);
        Assert.Contains("Reducing Restrictive Practices (RRP): unit 2, group median 2.5", desc);
        // The unit is a circle, the median a square: shape as well as colour.
        Assert.Single(drawn["INV"].Elements(Svg + "circle"));
        Assert.Single(drawn["INV"].Elements(Svg + "rect"));
    }

    [Fact]
    public async Task The_trend_chart_carries_the_centre_limits_points_and_signals_of_the_trend_and_marks_an_improvement_by_shape()
    {
        var (_, units, admin, analyst) = await WorldAsync(units: 1);
        // 1.0, 1.1, … for eleven months, then 4: the twelve months a verdict needs, no run of twelve (the longest allowed,
        // asked for), and the last month far above the upper limit.
        var months = Enumerable.Range(1, 12).Select(m => $"2025-{m:00}").ToList();
        await ImportAsync(admin, months.SelectMany((m, i) => i == 11 ? Area(units[0], "INV", m, 4) : Area(units[0], "INV", m, 1, i % 2)));
        var url = $"/api/v1/benchmarks/units/{units[0].Id}/areas/INV/trend?from=2025-01&to=2025-12&runLength=12";

        var json = await ReadAsync<Trend>(await analyst.GetAsync(url));
        var text = JsonNode.Parse(await (await analyst.GetAsync(url)).Content.ReadAsStringAsync())!;
        var svg = await SvgAsync(await analyst.GetAsync(url.Replace("/trend?", "/trend.svg?", StringComparison.Ordinal)));

        Assert.Equal((json.Centre, json.UpperProcessLimit, json.LowerProcessLimit),
            (Number(svg, "data-centre"), Number(svg, "data-upper-process-limit"), Number(svg, "data-lower-process-limit")));
        var points = svg.Descendants(Svg + "g").Where(g => g.Attribute("data-month") is not null).ToList();
        // The signals as the JSON spells them.
        Assert.Equal(json.Points.Select((p, i) => (p.Month, p.Score, string.Join(' ', text["points"]![i]!["signals"]!.AsArray().Select(s => s!.GetValue<string>())))),
            points.Select(g => (g.Attribute("data-month")!.Value, Number(g, "data-score"), g.Attribute("data-signals")!.Value)));
        Assert.Contains(SpcSignal.AboveUpperLimit, json.Points[^1].Signals);
        // The signalled month is a triangle pointing up; the others are circles.
        Assert.Equal("polygon", points[^1].Elements().Single().Name.LocalName);
        Assert.All(points[..^1], g => Assert.Equal("circle", g.Elements().Single().Name.LocalName));
        Assert.Equal("special-cause-improvement", svg.Attribute("data-variation")!.Value);
        var icon = svg.Descendants(Svg + "g").Single(g => g.Attribute("data-icon")?.Value == "variation");
        Assert.Equal("H", icon.Element(Svg + "text")!.Value);
        Assert.DoesNotContain(svg.Descendants(Svg + "g"), g => g.Attribute("data-icon")?.Value == "assurance");
        var desc = svg.Element(Svg + "desc")!.Value;
        Assert.Contains($"Centre line {json.Centre!.Value.ToString("0.##", CultureInfo.InvariantCulture)}", desc);
        Assert.Contains("2025-12 4 (above the upper process limit", desc);
        Assert.Contains("Special cause variation: improvement. Assurance: no target set.", desc);
    }

    [Fact]
    public async Task The_heat_map_carries_every_cell_of_the_heatmap_and_escapes_the_networks_name()
    {
        var (network, units, admin, analyst) = await WorldAsync(units: 3, name: "Tees & Wear <North> \"East\"");
        await ImportAsync(admin, units.Take(2).SelectMany((u, i) => Area(u, "INV", "2026-05", i + 2)));
        var url = $"/api/v1/networks/{network.Id}/insight/heatmap?month=2026-05";

        var json = await ReadAsync<Heatmap>(await analyst.GetAsync(url));
        var svg = await SvgAsync(await analyst.GetAsync(url.Replace("/heatmap?", "/heatmap.svg?", StringComparison.Ordinal)));

        var rows = svg.Descendants(Svg + "g").Where(g => g.Attribute("data-unit") is not null).ToList();
        // The network does not name units in comparisons: the rows carry no code, in the JSON's order.
        Assert.Equal(json.Units.Select(u => u.UnitCode ?? ""), rows.Select(r => r.Attribute("data-unit")!.Value));
        Assert.All(json.Units.Zip(rows), pair => Assert.Equal(
            json.AreaCodes.Select(code => pair.First.Areas[code]),
            json.AreaCodes.Select(code => Number(pair.Second.Elements(Svg + "g").Single(c => c.Attribute("data-area")!.Value == code), "data-percentage"))));
        Assert.StartsWith("Tees & Wear <North> \"East\", 2026-05", svg.Element(Svg + "title")!.Value);
        var cell = rows[0].Elements(Svg + "g").Single(c => c.Attribute("data-area")!.Value == "INV");
        Assert.Equal(json.Units[0].Areas["INV"]!.Value.ToString("0", CultureInfo.InvariantCulture), cell.Element(Svg + "text")!.Value);
    }

    [Fact]
    public async Task A_suppressed_group_renders_as_a_readable_not_shown_picture()
    {
        var (_, units, admin, analyst) = await WorldAsync(units: 2);
        await ImportAsync(admin, units.SelectMany(u => Area(u, "INV", "2026-04", 2)));

        var svg = await SvgAsync(await analyst.GetAsync($"/api/v1/benchmarks/units/{units[0].Id}/radar.svg?month=2026-04"));

        var inv = svg.Descendants(Svg + "g").Single(g => g.Attribute("data-area")?.Value == "INV");
        Assert.Equal(("true", null), (inv.Attribute("data-suppressed")?.Value, Number(inv, "data-median")));
        Assert.Empty(inv.Elements(Svg + "rect"));
        Assert.Contains("Involvement (INV): unit 2, group figures not shown.", svg.Element(Svg + "desc")!.Value);
        Assert.Contains(svg.Descendants(Svg + "tspan"), t => t.Value.StartsWith("Group figures not shown for 12 of 12 areas", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Easy_read_labels_use_the_frameworks_easy_read_names_and_plain_words()
    {
        var (_, units, admin, analyst) = await WorldAsync(units: 1);
        await ImportAsync(admin, Area(units[0], "INV", "2026-04", 3));
        var url = $"/api/v1/benchmarks/units/{units[0].Id}/areas/INV/trend.svg?from=2026-01&to=2026-04";

        var professional = await SvgAsync(await analyst.GetAsync(url));
        var easyRead = await SvgAsync(await analyst.GetAsync(url + "&labels=easy-read"));

        Assert.Contains("Involvement", professional.Element(Svg + "title")!.Value);
        Assert.Contains("Having your say", easyRead.Element(Svg + "title")!.Value);
        Assert.Contains("Not enough months yet to tell", easyRead.Element(Svg + "desc")!.Value);
        await ReadFieldErrorAsync(await analyst.GetAsync(url + "&labels=pictures"), "labels");
    }

    [Fact]
    public async Task A_unit_or_network_the_caller_may_not_see_is_the_same_404_as_its_json()
    {
        var (network, units, admin, _) = await WorldAsync(units: 1);
        await ImportAsync(admin, Area(units[0], "INV", "2026-04", 3));
        var (_, _, _, otherAnalyst) = await WorldAsync(units: 1);

        await ReadProblemAsync(await otherAnalyst.GetAsync($"/api/v1/benchmarks/units/{units[0].Id}/radar.svg"), HttpStatusCode.NotFound);
        await ReadProblemAsync(await otherAnalyst.GetAsync($"/api/v1/benchmarks/units/{units[0].Id}/areas/INV/trend.svg"), HttpStatusCode.NotFound);
        await ReadProblemAsync(await otherAnalyst.GetAsync($"/api/v1/networks/{network.Id}/insight/heatmap.svg"), HttpStatusCode.NotFound);
        await ReadProblemAsync(await otherAnalyst.GetAsync($"/api/v1/networks/{network.Id}/meeting-pack"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_meeting_pack_is_one_printable_html_document_with_the_months_figures_heat_map_gaps_and_a_priorities_section()
    {
        var (network, units, admin, analyst) = await WorldAsync(units: 3, name: "Pack & <Network>");
        await ImportAsync(admin, units.SelectMany((u, i) => Area(u, "INV", "2026-06", i)));

        var response = await analyst.GetAsync($"/api/v1/networks/{network.Id}/meeting-pack?month=2026-06");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<!DOCTYPE html>", body);
        var html = XDocument.Load(XmlReader.Create(new StringReader(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore })).Root!;
        Assert.Equal("Pack & <Network>: network meeting pack, 2026-06", html.Descendants("title").Single().Value);
        var style = html.Descendants("style").Single().Value;
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)));
        Assert.Contains($"style-src 'sha256-{hash}'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("@media print", style);
        var participation = await ReadAsync<Participation>(await analyst.GetAsync($"/api/v1/networks/{network.Id}/insight/participation?month=2026-06"));
        string Figure(string name) => html.Descendants("div").Single(d => d.Attribute("data-figure")?.Value == name).Element("dd")!.Value;
        Assert.Equal($"{participation.Submissions} of {participation.Units * participation.Areas}", Figure("submissions"));
        Assert.Equal("3 of 3", Figure("units-reporting"));
        var heatmap = html.Descendants(Svg + "svg").Single();
        Assert.Equal(3, heatmap.Descendants(Svg + "g").Count(g => g.Attribute("data-unit") is not null));
        var gaps = await ReadAsync<GapsReport>(await analyst.GetAsync($"/api/v1/networks/{network.Id}/insight/gaps?month=2026-06"));
        Assert.Equal(gaps.Standards.Take(MeetingPack.GapsShown).Select(g => g.StandardCode),
            html.Descendants("tr").Select(r => r.Attribute("data-standard")?.Value).OfType<string>());
        Assert.Equal("No network priorities are active or due for review this month.", html.Descendants("section").Single(s => s.Attribute("id")?.Value == "priorities").Element("p")!.Value);
    }
}
