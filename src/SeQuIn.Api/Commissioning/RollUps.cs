using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;

namespace SeQuIn.Api.Commissioning;

/// <summary>
/// One submitted area result as the roll-ups read it, with the unit's groupings at submission and the families' approved
/// responses to that unit's month and area (<see cref="Families"/>).
/// </summary>
public readonly record struct RollUpResult(Guid UnitId, Guid ProviderId, Guid NetworkId, Guid? CollaborativeId, string AreaCode, DateOnly Month,
    decimal? Mean, int? AgreedRating, bool CoProduced, ServiceUserConfirmation? Confirmation, bool? OnTime, FamilyTally Families);

/// <summary>Approved family and carer responses to one unit's month and area: how many, and how many concurred.</summary>
public readonly record struct FamilyTally(int Responses, int Concur);

/// <summary>A group of units a caller can read a roll-up of: a key naming it, and which results it holds.</summary>
public sealed record RollUpGroup(string Key, Func<RollUpResult, bool> Holds);

/// <summary>
/// How figures are disclosed to one caller (ADR 0009, 0033): the minimum group size, which results the caller cannot read
/// one by one (hidden), whether a month is closed, and every group whose roll-up the caller can obtain, in the order
/// their figures are decided (the asked group among them).
/// </summary>
public sealed record RollUpRules(int Minimum, Func<RollUpResult, bool> Hidden, Func<DateOnly, bool> Closed, IReadOnlyList<RollUpGroup> Candidates);

/// <summary>
/// Commissioning roll-ups: per month and area, a group's reporting units, participation, means of area scores and of
/// agreed ratings, co-production and confirmation rates, and the month-over-month change. Pure: no EF, no HTTP.
/// Every mean and rate is over at least the minimum number of units; where the caller cannot read those units one by
/// one, only for closed months and only where, with every other roll-up it can obtain for the month, area and measure,
/// it singles out fewer than the minimum of them (<see cref="Disclosure.PublishableSets"/>). Counts are always shown.
/// </summary>
public static class RollUps
{
    private enum Measure { Mean, Agreed, Rates, Families }

    public static IReadOnlyList<RollUpRow> Rows(RollUpGroup subject, int units, IReadOnlyList<RollUpResult> results, DateOnly from, DateOnly to,
        IReadOnlyList<string> areas, RollUpRules rules)
    {
        var publishable = new Dictionary<(DateOnly, string, Measure), Dictionary<string, bool>>();
        var byCell = results.GroupBy(r => (r.Month, r.AreaCode)).ToDictionary(g => g.Key, g => g.ToList());
        var rows = new List<RollUpRow>();
        var previous = new Dictionary<string, (decimal? Mean, decimal? Agreed)>();
        for (var month = from; month <= to; month = month.AddMonths(1))
        {
            foreach (var area in areas)
            {
                var cell = byCell.GetValueOrDefault((month, area)) ?? [];
                var mine = cell.Where(subject.Holds).ToList();
                var reasons = new SortedSet<string>(StringComparer.Ordinal);
                decimal? Figure(Measure measure, Func<RollUpResult, bool> contributes, Func<IReadOnlyList<RollUpResult>, decimal> value)
                {
                    var contributors = mine.Where(contributes).ToList();
                    if (contributors.Count < rules.Minimum)
                    {
                        if (contributors.Count > 0 || measure == Measure.Rates)
                        {
                            reasons.Add(Disclosure.TooFewReason(rules.Minimum));
                        }
                        return null;
                    }
                    if (contributors.Any(rules.Hidden))
                    {
                        if (!rules.Closed(month))
                        {
                            reasons.Add(Disclosure.OpenMonthReason);
                            return null;
                        }
                        if (!Publishable(publishable, cell, month, area, measure, contributes, rules).GetValueOrDefault(subject.Key))
                        {
                            reasons.Add(Disclosure.DifferencingReason(rules.Minimum));
                            return null;
                        }
                    }
                    return Math.Round(value(contributors), 1, MidpointRounding.AwayFromZero);
                }
                var mean = Figure(Measure.Mean, r => r.Mean is not null, c => c.Average(r => r.Mean!.Value));
                var agreed = Figure(Measure.Agreed, r => r.AgreedRating is not null, c => (decimal)c.Average(r => r.AgreedRating!.Value));
                var coProduction = Figure(Measure.Rates, _ => true, c => Percent(c.Count(r => r.CoProduced), c.Count));
                var confirmation = Figure(Measure.Rates, _ => true, c => Percent(c.Count(r => r.Confirmation == ServiceUserConfirmation.Agreed), c.Count));
                var disagreement = Figure(Measure.Rates, _ => true, c => Percent(c.Count(r => r.Confirmation == ServiceUserConfirmation.Disagreed), c.Count));
                // Families' responses are a unit's figure too: only over enough units that had any, through the same checks.
                var familyConcurrence = Figure(Measure.Families, r => r.Families.Responses > 0,
                    c => Percent(c.Sum(r => r.Families.Concur), c.Sum(r => r.Families.Responses)));
                int? familyResponses = familyConcurrence is not null ? mine.Sum(r => r.Families.Responses)
                    : mine.Count >= rules.Minimum && mine.All(r => r.Families.Responses == 0) ? 0 : null;
                var before = previous.GetValueOrDefault(area);
                rows.Add(new RollUpRow(Months.Format(month), area, mine.Count, mine.Count(r => r.OnTime == true),
                    units > 0 ? Math.Round(Percent(mine.Count, units), 1, MidpointRounding.AwayFromZero) : null,
                    mean, mean - before.Mean, agreed, agreed - before.Agreed, coProduction, confirmation, disagreement,
                    familyResponses, familyConcurrence, reasons.Count == 0 ? null : string.Join(" ", reasons)));
                previous[area] = (mean, agreed);
            }
        }
        return rows;
    }

    private static decimal Percent(int part, int whole) => 100m * part / whole;

    /// <summary>Which candidate groups may show a figure of this measure for the month and area (decided once per cell and measure).</summary>
    private static Dictionary<string, bool> Publishable(Dictionary<(DateOnly, string, Measure), Dictionary<string, bool>> cache,
        IReadOnlyList<RollUpResult> cell, DateOnly month, string area, Measure measure, Func<RollUpResult, bool> contributes, RollUpRules rules)
    {
        if (cache.TryGetValue((month, area, measure), out var known))
        {
            return known;
        }
        var contributors = cell.Where(contributes).ToList();
        var groups = rules.Candidates.Select(g => (IReadOnlySet<Guid>)contributors.Where(g.Holds).Select(r => r.UnitId).ToHashSet()).ToList();
        var hidden = contributors.Where(rules.Hidden).Select(r => r.UnitId).ToHashSet();
        var decided = Disclosure.PublishableSets(groups, hidden, rules.Minimum);
        known = rules.Candidates.Select((g, i) => (g.Key, decided[i])).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Item2);
        cache[(month, area, measure)] = known;
        return known;
    }
}
