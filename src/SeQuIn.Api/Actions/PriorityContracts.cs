using SeQuIn.Api.Common;

namespace SeQuIn.Api.Actions;

/// <summary>A gap the network turns into a priority: one standard, or a whole area.</summary>
/// <param name="StandardCode">The standard, e.g. RAS-04; null for a whole area.</param>
/// <param name="AreaCode">The area: required for a whole area, and when given with a standard it must be the standard's.</param>
/// <param name="Rationale">Why the network chose it, up to 2000 characters; no names or identifiers (refused with 422).</param>
/// <param name="TargetRating">The rating every unit aims for, on the active framework's scale; null: the scale's "met" point.</param>
/// <param name="ReviewMonth">When the network reviews it (YYYY-MM).</param>
public sealed record CreatePriorityRequest(string? StandardCode, string? AreaCode, string Rationale, int? TargetRating, string ReviewMonth);

/// <summary>The whole of a priority's changeable part, replaced at once (send the ETag in If-Match).</summary>
/// <param name="Rationale">Up to 2000 characters, screened.</param>
/// <param name="TargetRating">On the active framework's scale.</param>
/// <param name="ReviewMonth">YYYY-MM.</param>
/// <param name="Status">active or closed.</param>
public sealed record UpdatePriorityRequest(string Rationale, int TargetRating, string ReviewMonth, PriorityStatus Status);

/// <summary>Linking an action of a member unit to the priority.</summary>
public sealed record LinkActionRequest(Guid ActionId);

/// <summary>A network priority.</summary>
/// <param name="StandardCode">Null for a whole area.</param>
/// <param name="Status">active or closed.</param>
/// <param name="LinkedActions">How many actions are linked to it (list them with GET /api/v1/actions?priorityId=).</param>
/// <param name="Revision">Bumped by every change; the ETag. Send it in If-Match to change it.</param>
public sealed record PriorityResponse(Guid Id, Guid NetworkId, string AreaCode, string? StandardCode, string Rationale, int TargetRating,
    string ReviewMonth, PriorityStatus Status, int LinkedActions, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, int Revision);

/// <summary>Filters for a network's priorities.</summary>
/// <param name="status">Only active or closed priorities.</param>
/// <param name="limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="cursor">The nextCursor of the previous page.</param>
public sealed record PriorityListQuery([property: EnumQuery(typeof(PriorityStatus))] string? status, int? limit, string? cursor) : IPagedQuery
{
    public PriorityStatus? Status => EnumQuery.Parse<PriorityStatus>(status);

    int? IPagedQuery.Limit => limit;
    string? IPagedQuery.Cursor => cursor;
}

/// <summary>The window of a priority's progress.</summary>
/// <param name="from">First month (YYYY-MM); default: 11 months before to.</param>
/// <param name="to">Last month (YYYY-MM); default: the current month.</param>
public sealed record PriorityProgressQuery(string? from, string? to)
{
    /// <summary>The window asked for, with its defaults (checked by the validator first).</summary>
    public (DateOnly From, DateOnly To) Window(TimeProvider clock)
    {
        var last = to is null ? Assessments.Months.Current(clock) : Assessments.Months.Parse(to);
        var first = from is null ? last.AddMonths(-11) : Assessments.Months.Parse(from);
        return (first, last);
    }
}

/// <summary>
/// A priority's progress, one entry per month of the window, oldest first: what a chart draws. The measure is the
/// standard's agreed rating (or, for an area priority, the area's mean score) of each unit of the network that
/// submitted that month.
/// </summary>
/// <param name="Measure">standard (a standard's rating) or area (an area's mean score), both on the scale of the target.</param>
/// <param name="Months">One entry per month, from to to.</param>
public sealed record PriorityProgressResponse(Guid PriorityId, Guid NetworkId, string AreaCode, string? StandardCode, string Measure,
    int TargetRating, string From, string To, IReadOnlyList<PriorityMonth> Months);

/// <summary>One month of a priority's progress.</summary>
/// <param name="Month">YYYY-MM.</param>
/// <param name="UnitsReporting">Units of the network with a submitted rating of the measure that month.</param>
/// <param name="UnitsBelowTarget">How many of them were below the target; null when withheld (see withheldReason).</param>
/// <param name="NetworkMedian">The network median of the measure, 2 decimals; null when withheld.</param>
/// <param name="WithheldReason">Why figures are withheld (too few units reporting, or units you may not see), else null.</param>
/// <param name="ActionsOpen">Linked actions open or in progress at the end of the month and not yet achieved.</param>
/// <param name="ActionsAchieved">Linked actions a submission up to this month showed achieved, and that had not slipped by then.</param>
public sealed record PriorityMonth(string Month, int UnitsReporting, int? UnitsBelowTarget, decimal? NetworkMedian, string? WithheldReason,
    int ActionsOpen, int ActionsAchieved);
