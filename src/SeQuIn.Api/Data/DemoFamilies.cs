using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Families;

namespace SeQuIn.Api.Data;

/// <summary>
/// The demo network publishes to families, and its unit YH-M01 with the known share code <see cref="ShareCode"/>
/// (demo only: a real code is random and shown once), with family responses pending, approved and rejected across
/// its three latest submitted months.
/// </summary>
public static class DemoFamilies
{
    public const string UnitCode = "YH-M01";
    public const string ShareCode = "YHMSU-FAMKY";

    private static readonly (FamilyVerdict Verdict, FamilyResponseStatus Status, string? Comment)[] Responses =
    [
        (FamilyVerdict.Concur, FamilyResponseStatus.Approved, "Staff explain changes to us at visits."),
        (FamilyVerdict.Concur, FamilyResponseStatus.Approved, null),
        (FamilyVerdict.Partly, FamilyResponseStatus.Approved, "We rarely hear how ward rounds went."),
        (FamilyVerdict.Disagree, FamilyResponseStatus.Rejected, "Off-topic remark about parking."),
        (FamilyVerdict.Concur, FamilyResponseStatus.Pending, "The carers' group is a real help."),
        (FamilyVerdict.Disagree, FamilyResponseStatus.Pending, null),
    ];

    public static async Task LoadAsync(SeQuInDbContext db, string networkCode, CancellationToken ct)
    {
        var unit = await db.Units.Include(u => u.Network).SingleOrDefaultAsync(u => u.Code == UnitCode && u.Network!.Code == networkCode, ct);
        if (unit is null)
        {
            return;
        }
        unit.PublishToFamilies = true;
        unit.Network!.PublishToFamilies = true;
        var code = ShareCodes.Normalise(ShareCode)!;
        if (!await db.FamilyShareCodes.AnyAsync(c => c.UnitId == unit.Id, ct))
        {
            db.FamilyShareCodes.Add(new FamilyShareCode { UnitId = unit.Id, CodeHash = ShareCodes.Hash(code), Hint = ShareCodes.HintOf(code), IssuedAt = unit.CreatedAt });
        }
        if (!await db.FamilyResponses.AnyAsync(r => r.UnitId == unit.Id, ct))
        {
            var published = await db.Assessments.AsNoTracking().Where(a => a.UnitId == unit.Id && a.Status == AssessmentStatus.Submitted)
                .Select(a => new { a.Month, a.AreaCode }).ToListAsync(ct);
            var months = published.Select(p => p.Month).Distinct().OrderDescending().Take(3).ToList();
            foreach (var (month, m) in months.Select((month, m) => (month, m)))
            {
                foreach (var (area, a) in published.Where(p => p.Month == month).Select(p => p.AreaCode).Order().Take(3).Select((area, a) => (area, a)))
                {
                    foreach (var (verdict, status, comment) in Responses.Skip((m + a) % 3))
                    {
                        db.FamilyResponses.Add(new FamilyResponse
                        {
                            UnitId = unit.Id, NetworkId = unit.NetworkId, Month = month, AreaCode = area, Verdict = verdict, Comment = comment,
                            ReceivedIn = month.AddMonths(1), Status = status,
                        }.WithSortKey());
                    }
                }
            }
        }
        await db.SaveChangesAsync(ct);
    }
}
