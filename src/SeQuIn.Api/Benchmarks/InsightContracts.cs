using SeQuIn.Api.Common;

namespace SeQuIn.Api.Benchmarks;

/// <param name="month">The month, YYYY-MM; the latest month with submissions in the network when omitted.</param>
/// <param name="threshold">A rating at or below this counts as a gap (default 1).</param>
/// <param name="minimumUnits">How many units at or below the threshold make a month count towards a run (default 3).</param>
/// <param name="figure">The area figure the areas list ranks: mean (default: the mean of the area's standard ratings) or agreed (the participants' agreed overall area rating). Standards have only their own ratings.</param>
/// <param name="confirmedOnly">Only submissions the service-user participant confirmed they agree with (default false).</param>
public sealed record GapsQuery(string? month, int? threshold, int? minimumUnits, [property: EnumQuery(typeof(AreaFigure))] string? figure, bool? confirmedOnly)
    : IFigureQuery;

/// <param name="month">The month, YYYY-MM; the latest month with submissions in the network when omitted.</param>
/// <param name="figure">The area figure: mean (default: the mean of the area's standard ratings) or agreed (the participants' agreed overall area rating).</param>
/// <param name="confirmedOnly">Only submissions the service-user participant confirmed they agree with (default false).</param>
public sealed record FigureMonthQuery(string? month, [property: EnumQuery(typeof(AreaFigure))] string? figure, bool? confirmedOnly) : IFigureQuery;

/// <param name="month">The month, YYYY-MM; the latest month with submissions in the network when omitted.</param>
public sealed record MonthQuery(string? month);

/// <param name="standardCode">The standard, e.g. RAS-03.</param>
/// <param name="month">The month, YYYY-MM; the latest month with submissions in the network when omitted.</param>
/// <param name="confirmedOnly">Only submissions the service-user participant confirmed they agree with (default false).</param>
public sealed record BestPracticeQuery(string standardCode, string? month, bool? confirmedOnly = null);

/// <param name="from">First month, YYYY-MM (default: 12 months before to).</param>
/// <param name="to">Last month, YYYY-MM (default: the latest month with submissions).</param>
/// <param name="confirmedOnly">Only submissions their service-user participant confirmed (agreed) in their own right (default false).</param>
public sealed record AgreementQuery(string? from, string? to, bool? confirmedOnly = null);

/// <param name="month">The month, YYYY-MM; the latest month with submissions in the network when omitted.</param>
/// <param name="confirmedOnly">Count only submissions their service-user participant confirmed (agreed) in their own right (default false).</param>
public sealed record ParticipationQuery(string? month, bool? confirmedOnly = null);

/// <summary>A standard where many units rate low.</summary>
/// <param name="UnitsAtOrBelow">Units rating it at or below the threshold this month.</param>
/// <param name="UnitsReporting">Units rating it (not "not applicable") this month.</param>
/// <param name="ConsecutiveMonths">Months in a row, up to this one, in which at least the minimum number of units rated it at or below the threshold.</param>
public sealed record Gap(string StandardCode, string AreaCode, int UnitsAtOrBelow, int UnitsReporting, int ConsecutiveMonths);

/// <summary>An area whose figure (mean or agreed rating) many units have at or below the threshold.</summary>
/// <param name="UnitsAtOrBelow">Units whose area figure is at or below the threshold this month.</param>
/// <param name="UnitsReporting">Units with a figure for the area this month.</param>
/// <param name="ConsecutiveMonths">Months in a row, up to this one, in which at least the minimum number of units were at or below the threshold.</param>
public sealed record AreaGap(string AreaCode, int UnitsAtOrBelow, int UnitsReporting, int ConsecutiveMonths);

/// <param name="Standards">Standards by their own ratings (a standard has no agreed figure).</param>
/// <param name="Areas">Areas by the chosen figure: the mean of their standards, or the agreed overall rating.</param>
/// <param name="Figure">Which area figure the areas list uses.</param>
/// <param name="ConfirmedOnly">Whether only submissions the service user confirmed were counted.</param>
public sealed record GapsReport(Guid NetworkId, string Month, int Threshold, int MinimumUnits, IReadOnlyList<Gap> Standards,
    IReadOnlyList<AreaGap> Areas, AreaFigure Figure = AreaFigure.Mean, bool ConfirmedOnly = false);

/// <summary>A row of the units × areas grid: each area's percentage score, null where the unit did not submit.</summary>
/// <param name="UnitId">Null (with the code and name) unless the network allows named comparisons or the unit is the caller's own.</param>
public sealed record HeatmapRow(Guid? UnitId, string? UnitCode, string? UnitName, IReadOnlyDictionary<string, decimal?> Areas);

/// <param name="Figure">Which area figure the percentages are of: the mean of the standards, or the agreed overall rating (on its version's scale).</param>
/// <param name="ConfirmedOnly">Whether only submissions the service user confirmed were counted (others are null cells).</param>
public sealed record Heatmap(Guid NetworkId, string Month, IReadOnlyList<string> AreaCodes, IReadOnlyList<HeatmapRow> Units,
    AreaFigure Figure = AreaFigure.Mean, bool ConfirmedOnly = false);

/// <summary>A unit that rates a standard at the top, with the evidence it shares: a candidate for buddying.</summary>
public sealed record BestPracticeUnit(Guid UnitId, string UnitCode, string UnitName, int Value, IReadOnlyList<SharedEvidence> Evidence);

public sealed record SharedEvidence(Guid EvidenceId, Guid AssessmentId, string Kind, string Title, string? Description, string? Link);

/// <param name="ConfirmedOnly">Whether only submissions the service user confirmed were counted.</param>
public sealed record BestPractice(Guid NetworkId, string StandardCode, string Month, int? TopValue, IReadOnlyList<BestPracticeUnit> Units,
    bool ConfirmedOnly = false);

/// <param name="AreasSubmitted">Areas the unit submitted for the month.</param>
/// <param name="OnTime">Of those, submitted by the 10th of the following month.</param>
/// <param name="CoProduced">Of those, with both a staff and a service-user participant recorded: the unit's claim.</param>
/// <param name="Confirmed">The unit's submissions its service-user participant confirmed (agreed) in their own right.</param>
/// <param name="Disagreed">The unit's submissions whose service-user participant recorded that they disagree.</param>
public sealed record UnitParticipation(Guid UnitId, string UnitCode, int AreasSubmitted, int OnTime, int CoProduced, IReadOnlyList<string> AreaCodes,
    int Confirmed = 0, int Disagreed = 0);

/// <param name="ReportingRate">Submitted unit-areas ÷ (active units × areas), 0 to 1.</param>
/// <param name="OnTimeRate">On-time submissions ÷ submissions (imported history not counted), 0 to 1.</param>
/// <param name="FullyCoProduced">Submissions that record both a staff and a service-user participant: what the unit claims. Kept for compatibility; confirmedByServiceUser is the co-production the service user stands behind.</param>
/// <param name="ConfirmedByServiceUser">Submissions their service-user participant confirmed (agreed) in their own right: co-produced as the service user confirms it.</param>
/// <param name="DisagreedByServiceUser">Submissions whose service-user participant recorded that they disagree.</param>
/// <param name="CoProductionRate">confirmedByServiceUser ÷ submissions, 0 to 1; null without submissions.</param>
/// <param name="ConfirmedOnly">Whether only confirmed submissions were counted (the confirmedOnly parameter).</param>
public sealed record Participation(Guid NetworkId, string Month, int Units, int Areas, int Submissions, decimal ReportingRate, decimal? OnTimeRate,
    int FullyCoProduced, IReadOnlyList<UnitParticipation> ByUnit,
    int ConfirmedByServiceUser = 0, int DisagreedByServiceUser = 0, decimal? CoProductionRate = null, bool ConfirmedOnly = false);

/// <summary>How often staff and service-user views of a standard agreed.</summary>
/// <param name="Pairs">Ratings where both views were recorded.</param>
/// <param name="ExactAgreement">Share of pairs with identical views, 0 to 1.</param>
/// <param name="WeightedKappa">Cohen's kappa with quadratic weights: 1 perfect, 0 no better than chance.</param>
public sealed record AgreementFigures(string Key, int Pairs, decimal? ExactAgreement, decimal? WeightedKappa);

/// <param name="ConfirmedOnly">Whether only submissions their service-user participant confirmed (agreed) were counted.</param>
public sealed record AgreementReport(Guid NetworkId, string From, string To, IReadOnlyList<AgreementFigures> ByArea, IReadOnlyList<AgreementFigures> ByUnit,
    bool ConfirmedOnly = false);

/// <summary>A network's area figures for a month, published for anyone to read: no unit is named or counted apart.</summary>
/// <param name="Figure">Which area figure is summarised: the mean of the standards, or the agreed overall rating.</param>
/// <param name="ConfirmedOnly">Whether only submissions the service user confirmed were counted.</param>
public sealed record PublicSummary(string NetworkCode, string NetworkName, string Month, IReadOnlyList<PublicAreaSummary> Areas,
    AreaFigure Figure = AreaFigure.Mean, bool ConfirmedOnly = false);

/// <param name="Figures">The distribution of the network's unit scores for the area (suppressed when too few units reported).</param>
public sealed record PublicAreaSummary(string AreaCode, GroupFigures Figures);
