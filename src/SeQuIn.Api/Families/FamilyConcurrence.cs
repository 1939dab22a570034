using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Families;

/// <summary>
/// Family responses counted per (unit, month, area, verdict, state) over a set of units: what the unit and network
/// reports tally, and what roll-ups over other bodies (a commissioner's collaborative) can call with their own units.
/// </summary>
public static class FamilyConcurrence
{
    public static async Task<List<FamilyCount>> CountsAsync(SeQuInDbContext db, IdSet units, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var ids = units.Ids;
        return (await db.FamilyResponses.AsNoTracking()
                .Where(r => units.All || ids.Contains(r.UnitId))
                .Where(r => r.Month >= from && r.Month <= to)
                .GroupBy(r => new { r.UnitId, r.Month, r.AreaCode, r.Verdict, r.Status })
                .Select(g => new { g.Key.UnitId, g.Key.Month, g.Key.AreaCode, g.Key.Verdict, g.Key.Status, Count = g.Count() })
                .ToListAsync(ct))
            .Select(g => new FamilyCount(g.UnitId, g.Month, g.AreaCode, g.Verdict, g.Status, g.Count))
            .ToList();
    }
}
