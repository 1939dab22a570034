using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
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

    /// <summary>Print styles: A4, pictures kept whole on a page, no colours lost (the pictures carry shapes and numbers too).</summary>
    public const string Style =
        "body{font-family:Arial,Helvetica,sans-serif;color:#212b32;margin:24px auto;padding:0 16px;max-width:960px;font-size:16px;line-height:1.4}" +
        "h1{font-size:28px}h2{font-size:22px;border-bottom:2px solid #005eb8;padding-bottom:4px;margin-top:32px}" +
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #d8dde0;padding:6px 8px;text-align:left;vertical-align:top}" +
        "th{background:#f0f4f5}td.n{text-align:right}dl.headline{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px}" +
        "dl.headline div{border:1px solid #d8dde0;padding:12px}dt{font-size:14px;color:#4c6272}dd{margin:0;font-size:28px;font-weight:bold}" +
        "figure{margin:16px 0}svg{width:100%;height:auto}p.note{color:#4c6272;font-size:14px}" +
        "@page{size:A4;margin:15mm}@media print{body{margin:0;max-width:none;font-size:12pt}section,figure,tr{break-inside:avoid}" +
        "h2{break-after:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

    public static string StyleHash => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)));

    /// <summary>One network priority as the pack lists it. Priorities arrive with issue #14 part 3; until then the pack says none are recorded.</summary>
    public sealed record PriorityLine(string StandardCode, string Rationale, decimal? Target, string? ReviewMonth, string Progress);

    /// <param name="standards">Each standard's statement (professional or easy-read) by code, for the gaps table.</param>
    /// <param name="priorities">The network's priorities; null while SeQuIn does not record them (the section says so).</param>
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
                Priorities(priorities, words)));
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

    private static XElement Priorities(IReadOnlyList<PriorityLine>? priorities, PictureWords words) =>
        H("section", new XAttribute("id", "priorities"),
            H("h2", words.Say("Network priorities", "What the network is working on")),
            priorities is null or { Count: 0 }
                ? H("p", words.Say("No network priorities are recorded in SeQuIn yet.", "No network priorities yet."))
                : H("table",
                    H("thead", H("tr", H("th", words.Say("Standard", "What")), H("th", words.Say("Why", "Why")), H("th", words.Say("Target", "Target")),
                        H("th", words.Say("Review", "Look again")), H("th", words.Say("Progress", "How it is going")))),
                    H("tbody", priorities.Select(p => H("tr", H("td", p.StandardCode), H("td", p.Rationale),
                        H("td", p.Target?.ToString(CultureInfo.InvariantCulture) ?? "–"), H("td", p.ReviewMonth ?? "–"), H("td", p.Progress))))));

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
