using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Benchmarks;

namespace SeQuIn.Api.Pictures;

/// <summary>
/// The network meeting's pack as one printable HTML document: the month's headline figures (participation), the heat
/// map inline as SVG, the gaps in provision, and the network's priorities. Built as XML elements and written by the
/// XML writer, so every piece of text is escaped; no script, and its one style sheet is allowed by its hash.
/// </summary>
public static class MeetingPack
{
    public const int GapsShown = 10;

    /// <summary>
    /// Print styles: A4, pictures kept whole on a page, no colours lost (the pictures carry shapes and numbers too). Figures
    /// reach through the body's padding to the page's edge, so that on a 768px tablet a picture is drawn 768px wide and its
    /// smallest text stays 14px.
    /// </summary>
    public const string Style =
        "body{font-family:Arial,Helvetica,sans-serif;color:#212b32;margin:24px auto;padding:0 16px;max-width:960px;font-size:16px;line-height:1.4}" +
        "h1{font-size:28px}h2{font-size:22px;border-bottom:2px solid #005eb8;padding-bottom:4px;margin-top:32px}" +
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #d8dde0;padding:6px 8px;text-align:left;vertical-align:top}" +
        "th{background:#f0f4f5}td.n{text-align:right}dl.headline{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px}" +
        "dl.headline div{border:1px solid #d8dde0;padding:12px}dt{font-size:14px;color:#4c6272}dd{margin:0;font-size:28px;font-weight:bold}" +
        "h3{font-size:18px;margin:24px 0 8px}dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}" +
        "dl.facts div{display:contents}dl.facts dt{font-size:16px;font-weight:bold;color:#212b32}dl.facts dd{font-size:16px;font-weight:normal}" +
        "article.priority{break-inside:avoid-page}figure{margin:16px -16px}svg{width:100%;height:auto}p.note{color:#4c6272;font-size:14px}" +
        "@page{size:A4;margin:15mm}@media print{body{margin:0;max-width:none;font-size:12pt}section,figure,tr{break-inside:avoid}" +
        "h2{break-after:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

    public static string StyleHash => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)));

    /// <summary>One network priority as the pack lists it: the priority, what its standard says (or its area's name), its month's progress and its chart.</summary>
    public sealed record PriorityLine(PriorityResponse Priority, string What, PriorityMonth Latest, XElement Chart);

    /// <param name="standards">Each standard's statement (professional or easy-read) by code, for the gaps table.</param>
    /// <param name="priorities">The network's priorities the meeting discusses; null or empty: the section says there are none.</param>
    public static string Write(string networkName, string month, Participation participation, Heatmap heatmap, XElement heatmapPicture, GapsReport gaps,
        IReadOnlyDictionary<string, string> standards, PictureWords words, IReadOnlyList<PriorityLine>? priorities)
    {
        var title = words.Say($"{networkName}: network meeting pack, {month}", $"{networkName}: meeting pack for {month}");
        var html = H("html", new XAttribute("lang", "en-GB"),
            H("head",
                new XElement("meta", new XAttribute("charset", "utf-8")),
                new XElement("meta", new XAttribute("name", "viewport"), new XAttribute("content", "width=device-width, initial-scale=1")),
                H("title", title),
                H("style", Style)),
            H("body",
                H("header", H("h1", title),
                    H("p", new XAttribute("class", "note"), words.Say($"Submitted assessments of {month}, as SeQuIn held them when this pack was made. " +
                        "Figures follow the network's disclosure rules: units are named only where the network allows named comparisons.",
                        $"What units sent in for {month}."))),
                Headline(participation, words),
                H("section", H("h2", words.Say("Heat map", "Scores of every unit")),
                    H("figure", heatmapPicture, H("figcaption", new XAttribute("class", "note"),
                        words.Say($"{heatmap.Units.Count} units by {heatmap.AreaCodes.Count} areas; each cell's percentage is written in it.",
                            "Each box has its score written in it.")))),
                Gaps(gaps, standards, words),
                Priorities(priorities, month, words)));
        var text = new StringBuilder("<!DOCTYPE html>\n");
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = false, ConformanceLevel = ConformanceLevel.Fragment };
        using (var writer = XmlWriter.Create(new StringWriter(text, CultureInfo.InvariantCulture), settings))
        {
            html.WriteTo(writer);
        }
        return text.ToString();
    }

    private static XElement Headline(Participation p, PictureWords words) =>
        H("section", new XAttribute("id", "headline"),
            H("h2", words.Say("Headline figures", "The main numbers")),
            H("dl", new XAttribute("class", "headline"),
                Figure(words.Say("Units reporting", "Units that sent scores"), $"{p.ByUnit.Count(u => u.AreasSubmitted > 0)} of {p.Units}", "units-reporting"),
                Figure(words.Say("Areas submitted", "Areas sent in"), $"{p.Submissions} of {p.Units * p.Areas}", "submissions"),
                Figure(words.Say("Reporting rate", "Sent in"), Percent(p.ReportingRate), "reporting-rate"),
                Figure(words.Say("On time", "Sent in on time"), Percent(p.OnTimeRate), "on-time-rate"),
                Figure(words.Say("Confirmed by the service user", "Service users said yes"), Percent(p.CoProductionRate), "co-production-rate")));

    private static XElement Figure(string label, string value, string name) =>
        H("div", new XAttribute("data-figure", name), H("dt", label), H("dd", value));

    private static string Percent(decimal? rate) => rate is { } r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "–";

    private static XElement Gaps(GapsReport gaps, IReadOnlyDictionary<string, string> standards, PictureWords words)
    {
        var shown = gaps.Standards.Take(GapsShown).ToList();
        return H("section", new XAttribute("id", "gaps"),
            H("h2", words.Say("Gaps in provision", "Where units need to do more")),
            H("p", words.Say($"Standards most units rate at or below {gaps.Threshold}, and for how many months in a row at least {gaps.MinimumUnits} units did.",
                $"The things most units score {gaps.Threshold} or less on.")),
            shown.Count == 0
                ? H("p", words.Say("No standard was rated that month.", "No scores this month."))
                : H("table",
                    H("thead", H("tr", H("th", words.Say("Standard", "What it is about")), H("th", words.Say("Units at or below", "Units scoring low")),
                        H("th", words.Say("Units rating it", "Units that scored it")), H("th", words.Say("Months in a row", "Months in a row")))),
                    H("tbody", shown.Select(g => H("tr", new XAttribute("data-standard", g.StandardCode),
                        H("td", H("strong", g.StandardCode), " " + (standards.TryGetValue(g.StandardCode, out var s) ? s : "")),
                        H("td", new XAttribute("class", "n"), g.UnitsAtOrBelow.ToString(CultureInfo.InvariantCulture)),
                        H("td", new XAttribute("class", "n"), g.UnitsReporting.ToString(CultureInfo.InvariantCulture)),
                        H("td", new XAttribute("class", "n"), g.ConsecutiveMonths.ToString(CultureInfo.InvariantCulture)))))));
    }

    private static XElement Priorities(IReadOnlyList<PriorityLine>? priorities, string month, PictureWords words) =>
        H("section", new XAttribute("id", "priorities"),
            H("h2", words.Say("Network priorities", "What the network is working on")),
            priorities is null or { Count: 0 }
                ? H("p", words.Say("No network priorities are active or due for review this month.", "No network priorities this month."))
                : new object[]
                {
                    H("p", words.Say($"The network's active priorities and those due for review in {month}, oldest first, with their progress up to {month}. " +
                            "Figures about fewer units than the minimum group are not shown.",
                        "What the network agreed to work on, and how it is going.")),
                    priorities.Select(p => Priority(p, month, words)),
                });

    private static XElement Priority(PriorityLine line, string month, PictureWords words)
    {
        var p = line.Priority;
        var review = p.ReviewMonth == month ? words.Say($"{p.ReviewMonth}: this month", $"{p.ReviewMonth}: now") : p.ReviewMonth;
        return H("article", new XAttribute("class", "priority"), new XAttribute("data-priority", p.Id.ToString()),
            H("h3", p.StandardCode is { } code ? $"{code} " : "", line.What),
            H("dl", new XAttribute("class", "facts"),
                Fact(words.Say("Why", "Why"), p.Rationale, "rationale"),
                Fact(words.Say("Target", "Aim"), p.TargetRating.ToString(CultureInfo.InvariantCulture), "target"),
                Fact(words.Say("Review", "Look again"), review, "review-month"),
                Fact(words.Say("Status", "Status"), words.Say(p.Status == PriorityStatus.Active ? "active" : "closed", p.Status == PriorityStatus.Active ? "still going" : "finished"), "status")),
            H("p", new XAttribute("class", "latest"), new XAttribute("data-month", line.Latest.Month),
                new XAttribute("data-units-reporting", line.Latest.UnitsReporting), new XAttribute("data-units-below-target", Svg.Exact(line.Latest.UnitsBelowTarget)),
                new XAttribute("data-network-median", Svg.Exact(line.Latest.NetworkMedian)),
                new XAttribute("data-actions-open", line.Latest.ActionsOpen), new XAttribute("data-actions-achieved", line.Latest.ActionsAchieved),
                H("strong", words.Say("Latest: ", "Now: ")), PriorityPicture.Line(line.Latest, p.TargetRating, words)),
            H("figure", line.Chart));
    }

    private static XElement Fact(string label, string value, string name) => H("div", new XAttribute("data-fact", name), H("dt", label), H("dd", value));

    /// <summary>An HTML element. Never written self-closing: text/html reads &lt;div/&gt; as an open tag.</summary>
    private static XElement H(string name, params object?[] content)
    {
        var element = new XElement(name, content);
        if (element.IsEmpty && name is not ("meta" or "br"))
        {
            element.Value = "";
        }
        return element;
    }
}
