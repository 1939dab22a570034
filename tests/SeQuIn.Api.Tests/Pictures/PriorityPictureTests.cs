using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Xml;
using System.Xml.Linq;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Tests.Actions;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Pictures;

/// <summary>
/// A priority's progress chart and the meeting pack's priorities over HTTP: the figures of the JSON progress, parsed
/// back, with withheld figures never drawn (ADR 0037, ADR 0034).
/// </summary>
public sealed class PriorityPictureTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>
    /// Three months, the last the current one: in the first two units report (too few: withheld), in the second three
    /// (rated 1, 2 and 4 on every INV standard: median 2, two below the target 3), in the third nobody, and one action of
    /// the first unit, made now, linked to the priority on INV-03, which is reviewed in the second month.
    /// </summary>
    private async Task<(AssessmentWorld World, PriorityResponse Priority, string[] Months)> WorldAsync()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var current = Months.Current(TimeProvider.System);
        var months = new[] { current.AddMonths(-2), current.AddMonths(-1), current }.Select(Months.Format).ToArray();
        var other = new AssessmentDriver(world.OtherMember, world.OtherUnit.Id);
        await ActionPlanTests.SubmitAsync(world.Member, months[0], 1);
        await ActionPlanTests.SubmitAsync(other, months[0], 2);
        var baseline = await ActionPlanTests.SubmitAsync(world.Member, months[1], 1);
        await ActionPlanTests.SubmitAsync(other, months[1], 2);
        await ActionPlanTests.SubmitAsync(await PriorityTests.ThirdUnitAsync(Fixture.App, Client, world), months[1], 4);
        var priority = await ReadAsync<PriorityResponse>(await world.Lead.PostAsJsonAsync($"/api/v1/networks/{world.Network.Id}/priorities",
            new CreatePriorityRequest("INV-03", null, "Few units co-chair meetings with service users.", null, months[1]), JsonOptions));
        var action = await ActionPlanTests.CreateAsync(world.Member.Client, baseline.Id, "INV-03");
        await ReadAsync<PriorityResponse>(await world.Lead.PostAsJsonAsync($"/api/v1/priorities/{priority.Id}/actions", new LinkActionRequest(action.Id), JsonOptions));
        return (world, priority, months);
    }

    /// <summary>A month as the JSON has it, or as the element that draws it carries it.</summary>
    private static (string, int, int?, decimal?, string?, int, int) Figures(PriorityMonth m) =>
        (m.Month, m.UnitsReporting, m.UnitsBelowTarget, m.NetworkMedian, m.WithheldReason, m.ActionsOpen, m.ActionsAchieved);

    private static (string, int, int?, decimal?, string?, int, int) Figures(XElement g) =>
        (g.Attribute("data-month")!.Value, (int)PictureTests.Number(g, "data-units-reporting")!, (int?)PictureTests.Number(g, "data-units-below-target"), PictureTests.Number(g, "data-network-median"),
            g.Attribute("data-withheld")?.Value, (int)PictureTests.Number(g, "data-actions-open")!, (int)PictureTests.Number(g, "data-actions-achieved")!);

    [Fact]
    public async Task The_priority_chart_carries_every_month_of_the_progress_and_draws_no_withheld_figure()
    {
        var (world, priority, months) = await WorldAsync();
        var url = $"/api/v1/priorities/{priority.Id}/progress?from={months[0]}&to={months[2]}";

        var json = await ReadAsync<PriorityProgressResponse>(await world.Analyst.GetAsync(url));
        var svg = await PictureTests.SvgAsync(await world.Analyst.GetAsync(url.Replace("/progress?", "/progress.svg?", StringComparison.Ordinal)));

        Assert.Equal([(months[0], 2, null, null, Disclosure.TooFewReason(3), 0, 0), (months[1], 3, 2, 2m, null, 0, 0), (months[2], 0, null, null, null, 1, 0)],
            json.Months.Select(Figures));
        var drawn = svg.Descendants(Svg + "g").Where(g => g.Attribute("data-month") is not null).ToList();
        Assert.Equal(json.Months.Select(Figures), drawn.Select(Figures));
        Assert.Equal(("3", months[1]), (svg.Attribute("data-target")!.Value, svg.Attribute("data-review-month")!.Value));
        // The withheld month: hatched and "not shown", no median mark, no bar of units below target, no figure written.
        var withheld = drawn[0];
        Assert.Empty(withheld.Elements(Svg + "circle"));
        Assert.DoesNotContain(withheld.Descendants(Svg + "rect"), r => r.Attribute("data-bar") is not null);
        Assert.Contains(withheld.Descendants(Svg + "rect"), r => r.Attribute("data-withheld") is not null);
        Assert.All(withheld.Descendants(Svg + "text"), t => Assert.DoesNotContain(t.Value, char.IsDigit));
        Assert.Contains("not shown", string.Join(' ', withheld.Descendants(Svg + "text").Select(t => t.Value)));
        // The shown month: the median as a circle, the units below target as a bar, written as "2/3".
        Assert.Single(drawn[1].Elements(Svg + "circle"));
        Assert.Single(drawn[1].Descendants(Svg + "rect"), r => r.Attribute("data-bar")?.Value == "below-target");
        Assert.Contains(drawn[1].Descendants(Svg + "text"), t => t.Value == "2/3");
        Assert.Single(svg.Descendants(Svg + "g"), g => g.Attribute("data-review-month")?.Value == months[1]);
        var desc = svg.Element(Svg + "desc")!.Value;
        Assert.Contains($"{months[0]}: 2 units reporting; median and units below target not shown", desc);
        Assert.Contains($"{months[1]}: network median 2 against a target of 3; 2 of 3 units reporting were below target; 0 linked actions open, 0 achieved.", desc);
        Assert.Contains($"{months[2]}: no unit reported it; 1 linked actions open, 0 achieved.", desc);
    }

    [Fact]
    public async Task The_priority_chart_has_easy_read_words_and_is_the_same_404_as_its_json()
    {
        var (world, priority, months) = await WorldAsync();
        var elsewhere = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var url = $"/api/v1/priorities/{priority.Id}/progress.svg?to={months[2]}";

        var professional = await PictureTests.SvgAsync(await world.Member.Client.GetAsync(url));
        var easyRead = await PictureTests.SvgAsync(await world.Member.Client.GetAsync(url + "&labels=easy-read"));

        Assert.StartsWith("Priority INV-03 (Involvement): progress to target 3", professional.Element(Svg + "title")!.Value);
        Assert.StartsWith("What the network is working on: INV-03 (Having your say)", easyRead.Element(Svg + "title")!.Value);
        Assert.Contains($"{months[1]}: middle score 2, aim 3; 2 of 3 units under the aim", easyRead.Element(Svg + "desc")!.Value);
        await ReadFieldErrorAsync(await world.Member.Client.GetAsync(url + "&labels=plain"), "labels");
        await ReadProblemAsync(await elsewhere.Lead.GetAsync($"/api/v1/priorities/{priority.Id}/progress"), HttpStatusCode.NotFound);
        await ReadProblemAsync(await elsewhere.Lead.GetAsync(url), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_meeting_pack_lists_the_networks_priorities_with_the_figures_of_their_progress_and_their_charts()
    {
        var (world, priority, months) = await WorldAsync();
        var elsewhere = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var foreign = await ReadAsync<PriorityResponse>(await elsewhere.Lead.PostAsJsonAsync($"/api/v1/networks/{elsewhere.Network.Id}/priorities",
            new CreatePriorityRequest(null, "INV", "Another network's priority.", null, months[1]), JsonOptions));
        var area = await ReadAsync<PriorityResponse>(await world.Lead.PostAsJsonAsync($"/api/v1/networks/{world.Network.Id}/priorities",
            new CreatePriorityRequest(null, "INV", "The whole area.", null, "2099-01"), JsonOptions));
        // A closed priority not due for review this month is not the meeting's business.
        var closed = await ReadAsync<PriorityResponse>(await world.Lead.PostAsJsonAsync($"/api/v1/networks/{world.Network.Id}/priorities",
            new CreatePriorityRequest(null, "RAS", "Closed last year.", null, "2099-01"), JsonOptions));
        var close = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/priorities/{closed.Id}")
        {
            Content = JsonContent.Create(new UpdatePriorityRequest("Closed last year.", 3, "2099-01", PriorityStatus.Closed), options: JsonOptions),
        };
        close.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        await ReadAsync<PriorityResponse>(await world.Lead.SendAsync(close));

        var response = await world.Analyst.GetAsync($"/api/v1/networks/{world.Network.Id}/meeting-pack?month={months[1]}");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var html = XDocument.Load(XmlReader.Create(new StringReader(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore })).Root!;
        var listed = html.Descendants("article").ToList();
        Assert.Equal([priority.Id.ToString(), area.Id.ToString()], listed.Select(a => a.Attribute("data-priority")!.Value));
        // Two charts inline, made a moment apart: every id in the page is its own (aria-labelledby and the hatch refer to them).
        var ids = html.Descendants().Select(e => e.Attribute("id")?.Value).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.DoesNotContain(foreign.Rationale, body);
        var article = listed[0];
        string Fact(string name) => article.Descendants("div").Single(d => d.Attribute("data-fact")?.Value == name).Element("dd")!.Value;
        Assert.Equal((priority.Rationale, "3", $"{months[1]}: this month", "active"), (Fact("rationale"), Fact("target"), Fact("review-month"), Fact("status")));
        Assert.StartsWith("INV-03 ", article.Element("h3")!.Value);
        var progress = await ReadAsync<PriorityProgressResponse>(await world.Analyst.GetAsync($"/api/v1/priorities/{priority.Id}/progress?to={months[1]}"));
        var latest = article.Descendants("p").Single(p => p.Attribute("class")?.Value == "latest");
        Assert.Equal(Figures(progress.Months[^1]), Figures(latest));
        Assert.Equal((months[1], 3, 2, 2m), (progress.Months[^1].Month, progress.Months[^1].UnitsReporting, progress.Months[^1].UnitsBelowTarget, progress.Months[^1].NetworkMedian));
        Assert.Contains("network median 2 against a target of 3; 2 of 3 units reporting were below target", latest.Value);
        var chart = article.Descendants(Svg + "svg").Single();
        Assert.Equal(progress.Months.Select(Figures), chart.Descendants(Svg + "g").Where(g => g.Attribute("data-month") is not null).Select(Figures));
    }
}
