using System.Xml.Linq;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Pictures;

namespace SeQuIn.Api.Tests.Pictures;

/// <summary>How the pictures are drawn, without a host: what a reader sees that the figures alone do not say.</summary>
public sealed class PictureDrawingTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly PictureWords Words = new(new Dictionary<string, AreaName>(), PictureLabels.Professional);

    [Fact]
    public void Rows_the_network_does_not_name_are_numbered_one_by_one()
    {
        var cells = new Dictionary<string, decimal?> { ["INV"] = 50m };
        var heatmap = new Heatmap(Guid.NewGuid(), "2026-10", ["INV"],
            [new HeatmapRow(Guid.NewGuid(), "OWN", "Own unit", cells), new HeatmapRow(null, null, null, cells), new HeatmapRow(null, null, null, cells)]);

        var picture = XElement.Parse(Api.Pictures.Svg.Write(HeatmapPicture.Draw("h", heatmap, "N", Words)));

        Assert.Equal(["OWN", "Unit not named (1)", "Unit not named (2)"], picture.Descendants(Svg + "g")
            .Where(g => g.Attribute("data-unit") is not null).Select(g => g.Elements(Svg + "text").First().Value));
        Assert.EndsWith("OWN: INV 50. Unit not named (1): INV 50. Unit not named (2): INV 50.", picture.Element(Svg + "desc")!.Value);
    }

    [Fact]
    public void A_long_title_wraps_and_moves_the_picture_down_rather_than_running_off_the_edge()
    {
        var heatmap = new Heatmap(Guid.NewGuid(), "2026-10", ["INV"], []);

        var picture = XElement.Parse(Api.Pictures.Svg.Write(HeatmapPicture.Draw("h", heatmap, "Yorkshire and Humber Involvement Network (demo)", Words)));

        var title = picture.Elements(Svg + "text").First();
        Assert.Equal(2, title.Elements(Svg + "tspan").Count());
        Assert.All(title.Elements(Svg + "tspan"), line => Assert.True(line.Value.Length <= 60));
        Assert.Equal("translate(0 26)", picture.Elements(Svg + "g").Last().Attribute("transform")?.Value);
    }
}
