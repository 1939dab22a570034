using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace SeQuIn.Api.Pictures;

/// <summary>
/// Plain SVG built as <see cref="XElement"/>s and written with an <see cref="XmlWriter"/>, so every piece of text
/// (unit codes, area names) is escaped by the writer, never by hand. Every picture is 768 user units wide: at a
/// tablet's 768 CSS pixels one unit is one pixel, so the smallest text (14) is 14px there and larger on wider screens.
/// </summary>
internal static class Svg
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";
    public const int Width = 768;
    public const int Small = 14;
    public const int Body = 16;
    public const int Heading = 20;
    public const string Ink = "#212b32";
    public const string Muted = "#4c6272";
    public const string Rule = "#d8dde0";
    // NHS identity colours, the ones Making Data Count draws with: blue improves, orange concerns, grey is common cause.
    public const string Blue = "#005eb8";
    public const string Orange = "#ed8b00";
    public const string Grey = "#768692";
    public const string Purple = "#330072";
    public const string Pink = "#ae2573";

    public static XElement E(string name, params object?[] content) => new(Ns + name, content);

    public static XAttribute A(string name, object value) => new(name, value switch
    {
        double d => Num(d),
        decimal m => Num(m),
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => value,
    });

    /// <summary>A figure as the picture shows it: at most two decimals, invariant.</summary>
    public static string Num(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Num(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A figure exactly as the JSON carries it, for data-* attributes that a reader (or a test) parses back.</summary>
    public static string Exact(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>
    /// The root: a viewBox (it scales to its container), an accessible name from title and desc, a white ground, the
    /// title written at the top (wrapped: a network's name can be long) with the subtitle under it, and the picture's
    /// content below them, drawn for a one-line title and moved down by the lines the title took beyond one.
    /// </summary>
    /// <param name="attributes">The root's data-* attributes: the picture's figures as a whole.</param>
    public static XElement Document(string id, int height, string title, string subtitle, string desc, IEnumerable<XAttribute> attributes, params object?[] content)
    {
        var lines = Wrap(title, 60);
        var extra = 26 * (lines.Count - 1);
        return E("svg", A("viewBox", $"0 0 {Width} {height + extra}"), A("role", "img"), A("aria-labelledby", $"{id}-title {id}-desc"),
            A("font-family", "Arial, Helvetica, sans-serif"), A("font-size", Small), A("fill", Ink), attributes,
            E("title", A("id", $"{id}-title"), title),
            E("desc", A("id", $"{id}-desc"), desc),
            E("rect", A("width", Width), A("height", height + extra), A("fill", "#ffffff")),
            Lines(24, 32, lines, Heading, lineHeight: 26, weight: "bold"),
            Text(24, 56 + extra, subtitle, Small, fill: Muted),
            extra == 0 ? content : E("g", A("transform", $"translate(0 {extra})"), content));
    }

    public static XElement Text(double x, double y, string text, int size = Small, string anchor = "start", string? weight = null, string fill = Ink) =>
        E("text", A("x", x), A("y", y), A("font-size", size), anchor == "start" ? null : A("text-anchor", anchor),
            weight is null ? null : A("font-weight", weight), fill == Ink ? null : A("fill", fill), text);

    /// <summary>Text over several lines (tspans), <paramref name="lineHeight"/> apart, starting at y.</summary>
    public static XElement Lines(double x, double y, IReadOnlyList<string> lines, int size = Small, string anchor = "start", int lineHeight = 17,
        string? weight = null) =>
        E("text", A("x", x), A("y", y), A("font-size", size), anchor == "start" ? null : A("text-anchor", anchor), weight is null ? null : A("font-weight", weight),
            lines.Select((line, i) => E("tspan", A("x", x), i == 0 ? null : A("dy", lineHeight), line)));

    /// <summary>Words wrapped into lines of at most <paramref name="width"/> characters (a longer word gets a line of its own).</summary>
    public static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            line.Append(line.Length > 0 ? " " : "").Append(word);
        }
        if (line.Length > 0)
        {
            lines.Add(line.ToString());
        }
        return lines;
    }

    /// <summary>The shape that marks a point, centred on (x, y): circle, square, triangle up or down, diamond.</summary>
    public static XElement Marker(Shape shape, double x, double y, double size, string fill, string stroke = "#ffffff") => shape switch
    {
        Shape.Circle => E("circle", A("cx", x), A("cy", y), A("r", size), A("fill", fill), A("stroke", stroke), A("stroke-width", 1.5)),
        Shape.Square => E("rect", A("x", x - size), A("y", y - size), A("width", 2 * size), A("height", 2 * size), A("fill", fill), A("stroke", stroke), A("stroke-width", 1.5)),
        Shape.TriangleUp => Polygon([(x, y - 1.3 * size), (x + 1.2 * size, y + size), (x - 1.2 * size, y + size)], fill, stroke),
        Shape.TriangleDown => Polygon([(x, y + 1.3 * size), (x + 1.2 * size, y - size), (x - 1.2 * size, y - size)], fill, stroke),
        _ => Polygon([(x, y - 1.3 * size), (x + 1.3 * size, y), (x, y + 1.3 * size), (x - 1.3 * size, y)], fill, stroke),
    };

    private static XElement Polygon(IEnumerable<(double X, double Y)> points, string fill, string stroke) =>
        E("polygon", A("points", Points(points)), A("fill", fill), A("stroke", stroke), A("stroke-width", 1.5));

    public static string Points(IEnumerable<(double X, double Y)> points) => string.Join(' ', points.Select(p => $"{Num(p.X)},{Num(p.Y)}"));

    /// <summary>The SVG as text: with an XML declaration as a document of its own, without one when inlined in HTML.</summary>
    public static string Write(XElement svg, bool standalone = true)
    {
        var text = new StringBuilder();
        var settings = new XmlWriterSettings { OmitXmlDeclaration = !standalone, Indent = false, Encoding = Encoding.UTF8 };
        using (var writer = XmlWriter.Create(new StringWriter(text, CultureInfo.InvariantCulture), settings))
        {
            svg.WriteTo(writer);
        }
        // A StringWriter reports UTF-16; what is sent is UTF-8.
        return standalone ? text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal) : text.ToString();
    }
}

public enum Shape
{
    Circle,
    Square,
    TriangleUp,
    TriangleDown,
    Diamond,
}
