using FluentValidation;
using SeQuIn.Api.Assessments;

namespace SeQuIn.Api.Commissioning;

/// <param name="from">First month (YYYY-MM); default 11 months before 'to'.</param>
/// <param name="to">Last month (YYYY-MM); default the current month. At most 36 months from 'from' to 'to'.</param>
public sealed record RollUpQuery(string? from, string? to)
{
    public const int MaximumMonths = 36;

    public (DateOnly From, DateOnly To) Range(TimeProvider clock)
    {
        var last = to is not null ? Months.Parse(to) : Months.Current(clock);
        return (from is not null ? Months.Parse(from) : last.AddMonths(-11), last);
    }
}

public sealed class RollUpQueryValidator : AbstractValidator<RollUpQuery>
{
    public RollUpQueryValidator(TimeProvider clock)
    {
        RuleFor(q => q.from).IsMonth();
        RuleFor(q => q.to).IsMonth();
        RuleFor(q => q).Must(q => !Months.TryParse(q.from ?? "2000-01", out _) || !Months.TryParse(q.to ?? "2000-01", out _)
                                  || q.Range(clock) is var (f, t) && f <= t && t.AddMonths(-RollUpQuery.MaximumMonths) < f)
            .WithMessage($"'from' must not be after 'to' (default: the current month), and a summary covers at most {RollUpQuery.MaximumMonths} months.")
            .OverridePropertyName("from");
    }
}

/// <summary>What a roll-up is about.</summary>
public enum RollUpSubject
{
    Provider,
    Collaborative,
    Network,
}

/// <summary>One month and area of a roll-up. Means and rates are withheld (null) below the minimum group size and where they could single out a unit.</summary>
/// <param name="Month">YYYY-MM.</param>
/// <param name="AreaCode">The area.</param>
/// <param name="UnitsReporting">Units that submitted the area for the month (one submission each).</param>
/// <param name="OnTime">Of those, submitted by the 10th of the following month (imported history is never on time).</param>
/// <param name="ParticipationRate">Units reporting as a percentage of the group's active units now.</param>
/// <param name="Mean">Mean of the units' area scores (each the mean of its standards' ratings), 1 decimal place.</param>
/// <param name="MeanChange">Change in <c>mean</c> since the previous month, when both are shown (the trend).</param>
/// <param name="AgreedMean">Mean of the agreed overall area ratings the participants arrived at, over units that recorded one.</param>
/// <param name="AgreedMeanChange">Change in <c>agreedMean</c> since the previous month, when both are shown.</param>
/// <param name="CoProductionRate">Percentage of submissions with both a staff and a service-user participant.</param>
/// <param name="ConfirmationRate">Percentage of submissions the service-user participant confirmed (agreed with) in their own right.</param>
/// <param name="DisagreementRate">Percentage of submissions the service-user participant recorded that they disagree with.</param>
/// <param name="FamilyResponses">
/// Approved family and carer responses to the units' published month and area (ADR 0029); shown with
/// <c>familyConcurrenceRate</c>, or 0 when enough units reported and none had a response.
/// </param>
/// <param name="FamilyConcurrenceRate">
/// Percentage of those responses that concurred with the units' picture; over at least the minimum number of units that had
/// responses, and withheld like the other rates.
/// </param>
/// <param name="Suppressed">Why figures of this row are withheld; null when every figure is shown.</param>
public sealed record RollUpRow(string Month, string AreaCode, int UnitsReporting, int OnTime, decimal? ParticipationRate,
    decimal? Mean, decimal? MeanChange, decimal? AgreedMean, decimal? AgreedMeanChange,
    decimal? CoProductionRate, decimal? ConfirmationRate, decimal? DisagreementRate, int? FamilyResponses, decimal? FamilyConcurrenceRate,
    string? Suppressed);

/// <summary>One provider's roll-up within a collaborative or network.</summary>
/// <param name="Units">The provider's active units in the collaborative or network now.</param>
public sealed record ProviderRollUp(Guid ProviderId, string Code, string Name, int Units, IReadOnlyList<RollUpRow> Rows);

/// <summary>A provider's, collaborative's or network's submitted results rolled up by month and area, for commissioning.</summary>
/// <param name="Subject">What the summary is about.</param>
/// <param name="Units">Active units counted now: a provider's within your reach (your network or collaborative), a collaborative's or network's all.</param>
/// <param name="MinimumGroupSize">No mean or rate is shown over fewer units than this.</param>
/// <param name="Rows">Every month from 'from' to 'to' × every area reported in them, in month then area order.</param>
/// <param name="Providers">For a collaborative or network: each provider of its units, the same rows over the provider's units in it; empty for a provider.</param>
public sealed record CommissioningSummary(RollUpSubject Subject, Guid Id, string Code, string Name, string From, string To, int Units,
    int MinimumGroupSize, IReadOnlyList<RollUpRow> Rows, IReadOnlyList<ProviderRollUp> Providers);
