using System.Globalization;
using Hl7.Fhir.Model;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Fhir;

/// <summary>An area as a Measure needs it: its code and the name it has in the latest version that holds it.</summary>
public sealed record MeasuredArea(string Code, string Name, string Description);

/// <summary>Which report about a unit's area and month: the unit's own score, or its comparison group's figures.</summary>
public enum ReportKind
{
    Individual,
    Summary,
}

/// <summary>A MeasureReport's id taken apart: `{unitId}-{area}-{yyyy-mm}-{individual|summary}`.</summary>
public sealed record ReportId(Guid UnitId, string AreaCode, DateOnly Month, ReportKind Kind)
{
    /// <summary>Stable and derivable: MeasureReports are computed from the benchmark, not stored.</summary>
    public override string ToString() =>
        $"{UnitId:D}-{AreaCode.ToLowerInvariant()}-{Months.Format(Month)}-{EnumQuery.NameOf(Kind)}";

    public static ReportId? TryParse(string? id)
    {
        // 36 (unit) + '-' + area + '-' + 7 (month) + '-' + kind; the area may itself hold '-', so it is what is left in the middle.
        if (id is null || id.Length < 36 + 1 + 1 + 1 + 7 + 1 + 7 || id.Length > 64 || !Guid.TryParseExact(id[..36], "D", out var unit) || id[36] != '-')
        {
            return null;
        }
        var rest = id[37..];
        var kindAt = rest.LastIndexOf('-');
        if (kindAt < 9 || !EnumQuery.TryParse<ReportKind>(rest[(kindAt + 1)..], out var kind) || kind is null)
        {
            return null;
        }
        var monthAt = kindAt - 8;
        if (rest[monthAt] != '-' || !Months.TryParse(rest[(monthAt + 1)..kindAt], out var month) || monthAt == 0)
        {
            return null;
        }
        return new ReportId(unit, rest[..monthAt].ToUpperInvariant(), month, kind.Value);
    }
}

/// <summary>
/// Benchmarks as HL7 FHIR R4 Measure and MeasureReport resources (issue #15), made from what the REST unit benchmark
/// answers (<see cref="UnitBenchmark"/>) so that disclosure control (ADR 0009) is applied once, there, and the two can
/// never disagree. Pure: no EF, no ASP.NET.
/// <list type="bullet">
/// <item>One Measure per area (<see cref="FhirNames.MeasureUrl"/>): scoring continuous-variable, improvement notation
/// increase, one group whose score is the unit's mean of the area's applicable standard ratings.</item>
/// <item>An individual MeasureReport per unit, area and month the unit has a score: its score as the group's
/// measureScore, its percentile (and rank where its network allows ranks) in an extension.</item>
/// <item>A summary MeasureReport for the same unit, area and month: its comparison group (the unit's network, named
/// by <see cref="FhirNames.ComparisonGroupExtension"/>) with the units reporting as the measure-population count,
/// the group's mean as measureScore and the order statistics in <see cref="FhirNames.GroupStatisticsExtension"/>.
/// A figure the REST answer withholds is absent, and <see cref="FhirNames.SuppressedExtension"/> says why.</item>
/// <item>A month still open is `pending`, a closed one `complete`. The series of a unit's individual reports (and of
/// its summaries: the group's median) month by month is the trend.</item>
/// </list>
/// </summary>
public static class MeasureReports
{
    public const string ScoringSystem = "http://terminology.hl7.org/CodeSystem/measure-scoring";
    public const string ImprovementSystem = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation";
    public const string PopulationSystem = "http://terminology.hl7.org/CodeSystem/measure-population";

    /// <summary>The Measure's id: the last segment of its canonical url.</summary>
    public static string MeasureId(string areaCode) => $"sequin-area-{areaCode.ToLowerInvariant()}";

    /// <summary>The Measure's computable name (FHIR asks for `[A-Z][A-Za-z0-9_]*`).</summary>
    public static string MeasureName(string areaCode) =>
        "SeQuInArea" + new string(areaCode.ToUpperInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());

    public static Measure Measure(MeasuredArea area) => new()
    {
        Id = MeasureId(area.Code),
        Url = FhirNames.MeasureUrl(area.Code),
        Name = MeasureName(area.Code),
        Title = area.Name,
        Status = PublicationStatus.Active,
        Description = new Markdown(area.Description),
        Scoring = new CodeableConcept(ScoringSystem, "continuous-variable", "Continuous Variable"),
        ImprovementNotation = Increase,
        Group =
        [
            new Measure.GroupComponent
            {
                Code = AreaConcept(area.Code, area.Name),
                Description = new Markdown("A unit's score for the area in a month: the mean of its applicable standard ratings, " +
                    "on the scale of the framework version it was rated against. Only submitted assessments count."),
                Population =
                [
                    new Measure.PopulationComponent
                    {
                        Code = new CodeableConcept(PopulationSystem, "measure-population", "Measure Population"),
                        Description = new Markdown("Units that submitted an assessment of the area for the month."),
                        // Computed by SeQuIn from submitted assessments, not by a rule engine: said in words (R4 needs a criteria).
                        Criteria = new Expression
                        {
                            Language = "text/plain",
                            Expression_ = "Submitted assessments of the area for the month; each unit's score is the mean of its applicable standard ratings.",
                        },
                    },
                ],
            },
        ],
    };

    /// <summary>The unit's own score for one area of its benchmark; null when it has none that month.</summary>
    public static MeasureReport? Individual(UnitBenchmark benchmark, Benchmark area, bool monthClosed)
    {
        if (area.Score is not { } score)
        {
            return null;
        }
        var report = Report(benchmark, area, monthClosed, ReportKind.Individual);
        var group = new MeasureReport.GroupComponent { Code = AreaConcept(area.Code, null), MeasureScore = new Quantity { Value = score } };
        if (area.Percentile is { } percentile)
        {
            var place = new Extension { Url = FhirNames.PercentileExtension };
            place.Extension.Add(new Extension("percentile", new FhirDecimal(percentile)));
            if (area.Rank is { } rank)
            {
                place.Extension.Add(new Extension("rank", new Integer(rank)));
            }
            group.Extension.Add(place);
        }
        report.Group.Add(group);
        return report;
    }

    /// <summary>The unit's comparison group for one area: what the REST benchmark publishes, and nothing it withholds.</summary>
    public static MeasureReport Summary(UnitBenchmark benchmark, Benchmark area, bool monthClosed)
    {
        var report = Report(benchmark, area, monthClosed, ReportKind.Summary);
        var figures = area.Group;
        var group = new MeasureReport.GroupComponent
        {
            Code = AreaConcept(area.Code, null),
            Population =
            [
                new MeasureReport.PopulationComponent
                {
                    Code = new CodeableConcept(PopulationSystem, "measure-population", "Measure Population"),
                    Count = figures.Units,
                },
            ],
            MeasureScore = figures.Mean is { } mean ? new Quantity { Value = mean } : null,
        };
        var statistics = new Extension { Url = FhirNames.GroupStatisticsExtension };
        foreach (var (name, value) in Statistics(figures))
        {
            if (value is { } v)
            {
                statistics.Extension.Add(new Extension(name, new FhirDecimal(v)));
            }
        }
        if (statistics.Extension.Count > 0)
        {
            group.Extension.Add(statistics);
        }
        if (Withheld(figures) is { } reason)
        {
            group.Extension.Add(new Extension(FhirNames.SuppressedExtension, new FhirString(reason)));
        }
        report.Group.Add(group);
        return report;
    }

    /// <summary>The order statistics as the extension names them, with the mean last (it is the measureScore).</summary>
    public static IEnumerable<(string Name, decimal? Value)> Statistics(GroupFigures f) =>
    [
        ("minimum", f.Minimum), ("lower-quartile", f.LowerQuartile), ("median", f.Median), ("upper-quartile", f.UpperQuartile),
        ("maximum", f.Maximum),
    ];

    /// <summary>
    /// Why figures are missing: the REST answer's reason when it withholds the group, or, when it shows only some
    /// figures (a group holding units the caller cannot see: never its minimum or maximum, ADR 0009), which ones.
    /// </summary>
    public static string? Withheld(GroupFigures f)
    {
        if (f.Suppressed is { } reason)
        {
            return reason;
        }
        var missing = Statistics(f).Append((Name: "mean", Value: f.Mean)).Where(s => s.Value is null).Select(s => s.Name).ToList();
        return missing.Count == 0
            ? null
            : $"Withheld under disclosure control ({string.Join(", ", missing)}): the group holds units whose results you may not see, " +
              "and these figures would single one out.";
    }

    private static MeasureReport Report(UnitBenchmark benchmark, Benchmark area, bool monthClosed, ReportKind kind)
    {
        var month = Months.Parse(benchmark.Month);
        var report = new MeasureReport
        {
            Id = new ReportId(benchmark.UnitId, area.Code, month, kind).ToString(),
            Status = monthClosed ? MeasureReport.MeasureReportStatus.Complete : MeasureReport.MeasureReportStatus.Pending,
            Type = kind == ReportKind.Individual ? MeasureReport.MeasureReportType.Individual : MeasureReport.MeasureReportType.Summary,
            Measure = FhirNames.MeasureUrl(area.Code),
            Subject = new ResourceReference(QuestionnaireResponses.Reference(benchmark.UnitId)) { Display = benchmark.UnitCode },
            Period = new Period(Day(month), Day(month.AddMonths(1).AddDays(-1))),
            ImprovementNotation = Increase,
        };
        report.Extension.Add(new Extension(FhirNames.ComparisonGroupExtension, new Code(EnumQuery.NameOf(benchmark.Group))));
        return report;
    }

    private static FhirDateTime Day(DateOnly day) => new(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static CodeableConcept Increase => new(ImprovementSystem, "increase", "Increased score indicates improvement");

    private static CodeableConcept AreaConcept(string code, string? name) => new(FhirNames.AreaCodeSystem, code, name, null);
}
