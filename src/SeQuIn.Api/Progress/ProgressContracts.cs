namespace SeQuIn.Api.Progress;

/// <param name="from">First month, YYYY-MM (default: 11 months before to).</param>
/// <param name="to">Last month, YYYY-MM (default: the network's latest month with results).</param>
public sealed record ProgressQuery(string? from, string? to);

/// <summary>A network's progress over a window: where its areas stand month by month and what has really improved.</summary>
/// <param name="Areas">Per area of the active framework version, the network's median percentage score month by month.</param>
/// <param name="MostImprovedUnits">Unit areas with a sustained improvement (a run of 7 months above their own centre line, up to the last month they reported), largest change first; only units the caller may see named.</param>
/// <param name="ImprovementsNotNamed">How many further unit areas improved in the same way whose units the network does not name to the caller (its ranks setting).</param>
/// <param name="MostImprovedStandards">Standards whose network median rating shows a sustained improvement, largest change first.</param>
public sealed record NetworkProgress(Guid NetworkId, string From, string To, IReadOnlyList<AreaProgress> Areas,
    IReadOnlyList<ImprovedUnitArea> MostImprovedUnits, int ImprovementsNotNamed, IReadOnlyList<ImprovedStandard> MostImprovedStandards);

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
