using SeQuIn.Api.Actions;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Pictures;

/// <summary>The contract's example pictures, drawn by the service's own code from the JSON answers' example records (ADR 0025).</summary>
internal static class PictureExamples
{
    private static readonly PictureWords Words = new(new Dictionary<string, AreaName>
    {
        ["INV"] = new("INV", "Involvement", "Having your say"),
        ["RRP"] = new("RRP", "Reducing Restrictive Practices", "Fewer rules and restrictions"),
        ["TEC"] = new("TEC", "Technology", "Computers, phones and the internet"),
    }, PictureLabels.Professional);

    private const string NetworkName = "Yorkshire and Humber Involvement Network";

    public static string Svg(string path) => Pictures.Svg.Write(path switch
    {
        _ when path.EndsWith("trend.svg", StringComparison.Ordinal) => SpcPicture.Draw("trend-example",
            ContractExamples.ExampleOf<Trend>(), 0, 4, Words),
        _ when path.EndsWith("progress.svg", StringComparison.Ordinal) => Priority(),
        _ when path.EndsWith("heatmap.svg", StringComparison.Ordinal) => HeatmapPicture.Draw("heatmap-example", ContractExamples.ExampleOf<Heatmap>(), NetworkName, Words),
        _ => RadarPicture.Draw("radar-example", ContractExamples.ExampleOf<UnitBenchmark>(), 0, 4, Words),
    });

    public static string MeetingPack() => Pictures.MeetingPack.Write(NetworkName, "2026-10", ContractExamples.ExampleOf<Participation>(),
        ContractExamples.ExampleOf<Heatmap>(), HeatmapPicture.Draw("heatmap-example", ContractExamples.ExampleOf<Heatmap>(), NetworkName, Words),
        ContractExamples.ExampleOf<GapsReport>(), new Dictionary<string, string>(), Words,
        [new(ContractExamples.ExampleOf<PriorityResponse>(), "Service users co-chair the community meeting.",
            ContractExamples.ExampleOf<PriorityProgressResponse>().Months[^1], Priority())]);

    private static System.Xml.Linq.XElement Priority() =>
        PriorityPicture.Draw("priority-example", ContractExamples.ExampleOf<PriorityProgressResponse>(), ContractExamples.ExampleOf<PriorityResponse>().ReviewMonth, 0, 4, Words);
}
