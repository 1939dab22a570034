namespace SeQuIn.Api.Progress;

/// <param name="from">First month, YYYY-MM (default: 11 months before to).</param>
/// <param name="to">Last month, YYYY-MM (default: the network's latest month with results).</param>
public sealed record ProgressQuery(string? from, string? to);

/// <summary>A network's progress over a window: where its areas stand month by month and what has really improved.</summary>
/// <param name="Areas">Per area of the active framework version, the network's median percentage score month by month.</param>
/// <param name="MostImprovedUnits">Unit areas with a sustained improvement (a run of 7 months above their own centre line, up to the last month they reported), largest change first; only units the caller may see named.</param>
/// <param name="ImprovementsNotNamed">How many further unit areas improved in the same way whose units the network does not name to the caller (its ranks setting).</param>
/// <param name="MostImprovedStandards">Standards whose network median rating shows a sustained improvement, largest change first.</param>
/// <param name="ActionsAchieved">The units' actions a submitted assessment showed achieved (closed by evidence, ADR 0034), month by month and in all.</param>
public sealed record NetworkProgress(Guid NetworkId, string From, string To, IReadOnlyList<AreaProgress> Areas,
    IReadOnlyList<ImprovedUnitArea> MostImprovedUnits, int ImprovementsNotNamed, IReadOnlyList<ImprovedStandard> MostImprovedStandards,
    ActionsAchieved ActionsAchieved);

/// <summary>
/// Actions of the network's units achieved over the window, by the month of the assessment that showed them. A count is a
/// figure about the units whose actions it counts: it is shown only over at least the minimum group size of units (3 by
/// default), otherwise null — a unit's plan is read by its own members and leads only.
/// </summary>
/// <param name="Total">Achieved over the whole window; null when fewer units than the minimum had any.</param>
/// <param name="Units">How many units had an action achieved over the window.</param>
/// <param name="Months">Per month of the window: how many were achieved, under the same rule.</param>
public sealed record ActionsAchieved(int? Total, int Units, IReadOnlyList<AchievedMonth> Months);

/// <summary>One month's achieved actions.</summary>
/// <param name="Achieved">How many actions were shown achieved by the month's submissions; null when fewer units than the minimum had one.</param>
/// <param name="Units">How many units had one.</param>
public sealed record AchievedMonth(string Month, int? Achieved, int Units);

/// <summary>An area's network median over the window.</summary>
public sealed record AreaProgress(string AreaCode, IReadOnlyList<ProgressMonth> Months);

/// <summary>One month of an area's network figure.</summary>
/// <param name="UnitsReporting">How many units submitted the area that month.</param>
/// <param name="Median">The median of their percentage scores (0–100, on each version's own scale); null when fewer units reported than the minimum group size.</param>
public sealed record ProgressMonth(string Month, int UnitsReporting, decimal? Median);

/// <summary>A unit's sustained improvement in an area (percentage scores, 0–100).</summary>
/// <param name="Since">The first month of the run above the unit's centre line.</param>
/// <param name="Before">The unit's mean before the run.</param>
/// <param name="After">The unit's mean over the run.</param>
/// <param name="Change">After − Before.</param>
public sealed record ImprovedUnitArea(Guid UnitId, string UnitCode, string AreaCode, string Since, decimal Before, decimal After, decimal Change);

/// <summary>A standard whose network median rating improved in a sustained way (ratings on the scale).</summary>
/// <param name="Since">The first month of the run above the centre line.</param>
/// <param name="Before">Mean of the monthly medians before the run.</param>
/// <param name="After">Mean of the monthly medians over the run.</param>
/// <param name="Change">After − Before.</param>
public sealed record ImprovedStandard(string StandardCode, string AreaCode, string Since, decimal Before, decimal After, decimal Change);
