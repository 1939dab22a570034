using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Buddying;

namespace SeQuIn.Api.Data;

/// <summary>
/// Buddy pairings for the demo unit (ADR 0036), found in the demo history rather than made up, so that the figures
/// the API shows agree with them: one on a standard whose rating rose after it started (outcome improved), one on a
/// standard whose rating did not (outcome ended), and one on an area, recent and still open. Each buddy is the unit
/// most consistently rating it high in the six months before the pairing started.
/// </summary>
public static class DemoBuddying
{
    public static async Task LoadAsync(SeQuInDbContext db, string networkCode, string unitCode, DateTimeOffset now, CancellationToken ct)
    {
        var unit = await db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Code == unitCode && u.Network!.Code == networkCode, ct);
        if (unit is null || await db.Set<BuddyPairing>().AnyAsync(p => p.NetworkId == unit.NetworkId, ct))
        {
            return;
        }
        var ratings = await db.StandardResults.AsNoTracking().Where(r => r.NetworkId == unit.NetworkId && r.Value != null)
            .Select(r => new { r.UnitId, r.StandardCode, r.AreaCode, r.Month, Value = r.Value!.Value }).ToListAsync(ct);
        if (ratings.Count == 0)
        {
            return;
        }
        var codes = await db.Units.AsNoTracking().Where(u => u.NetworkId == unit.NetworkId && u.Active).ToDictionaryAsync(u => u.Id, u => u.Code, ct);
        var byUnit = ratings.ToLookup(r => (r.UnitId, r.StandardCode), r => new MonthRating(r.Month, r.Value));
        var areaOf = ratings.Select(r => (r.StandardCode, r.AreaCode)).Distinct().ToDictionary(r => r.StandardCode, r => r.AreaCode);
        var latest = ratings.Max(r => r.Month);

        Guid? BuddyFor(string standard, DateOnly started) =>
            Buddies.Rank(codes.Keys.Where(id => id != unit.Id)
                    .Select(id => (Id: id, Consistency: Buddies.Sustained(byUnit[(id, standard)], started.AddMonths(-1), 6, 4, 3)))
                    .Where(c => c.Consistency is not null), c => c.Consistency!, c => codes[c.Id])
                .Select(c => (Guid?)c.Id).FirstOrDefault();

        // Whole windows on both sides: started months from a year back to four months back, oldest first.
        var candidates = areaOf.Keys.Order(StringComparer.Ordinal)
            .SelectMany(standard => Enumerable.Range(4, 9).Reverse().Select(back => (Standard: standard, Started: latest.AddMonths(-back))))
            .Select(c => (c.Standard, c.Started, Compared: Buddies.Compare(byUnit[(unit.Id, c.Standard)], c.Started), Buddy: BuddyFor(c.Standard, c.Started)))
            .Where(c => c.Buddy is not null && c.Compared.MonthsRatedBefore == 3 && c.Compared.MonthsRatedAfter == 3)
            .ToList();
        // Pairings are for standards a unit rates low: at most "Developing" before.
        var improved = candidates.FirstOrDefault(c => c.Compared.Before <= 2 && c.Compared.After - c.Compared.Before >= 1);
        var flat = candidates.FirstOrDefault(c => c.Compared.Before <= 2 && c.Compared.Improved == false && c.Standard != improved.Standard);
        var pairings = new List<BuddyPairing>();
        if (improved.Buddy is { } first)
        {
            pairings.Add(Pairing(first, improved.Standard, areaOf[improved.Standard], improved.Started,
                "Our involvement lead and two service users join their community meeting each month.",
                BuddyOutcome.Improved, "Their way of running it is now ours on both wards."));
        }
        if (flat.Buddy is { } second)
        {
            pairings.Add(Pairing(second, flat.Standard, areaOf[flat.Standard], flat.Started,
                "Shadowing their ward round preparation with service users.",
                BuddyOutcome.Ended, "Their lead moved on before we could visit; we will look for another buddy."));
        }
        var open = candidates.Where(c => c.Standard.StartsWith("TEC", StringComparison.Ordinal)).Select(c => c.Buddy).FirstOrDefault()
            ?? candidates.Select(c => c.Buddy).FirstOrDefault();
        if (open is { } third)
        {
            pairings.Add(Pairing(third, null, "TEC", latest.AddMonths(-1), "Visiting their digital inclusion group.", null, null));
        }
        db.Set<BuddyPairing>().AddRange(pairings);
        await db.SaveChangesAsync(ct);

        BuddyPairing Pairing(Guid buddy, string? standard, string area, DateOnly started, string notes, BuddyOutcome? outcome, string? outcomeNote) => new()
        {
            UnitId = unit.Id,
            NetworkId = unit.NetworkId,
            BuddyUnitId = buddy,
            StandardCode = standard,
            AreaCode = area,
            StartedMonth = started,
            Notes = notes,
            Outcome = outcome,
            OutcomeNote = outcomeNote,
            OutcomeRecordedAt = outcome is null ? null : now,
            CreatedAt = now,
            Revision = outcome is null ? 1 : 2,
        };
    }
}
