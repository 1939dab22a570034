using Microsoft.EntityFrameworkCore;

namespace SeQuIn.Api.Data;

/// <summary>
/// The demo's service-user confirmations (ADR 0031): of the last six months of demo submissions with a service-user
/// participant, about six in ten confirmed (agreed), one in ten disagreed with a short reason about the service, the
/// rest left unconfirmed — so co-production rates and confirmedOnly figures have something to show. Chosen by a hash of
/// unit, area and month: the same choice on every load. Confirmed 20 minutes after submission, as a ward would.
/// </summary>
public static class DemoConfirmations
{
    private static readonly string[] Reasons =
    [
        "We talked about the community meeting but it was cancelled twice this month.",
        "I think the rating is too high because the activities timetable was not kept to.",
        "We did not have time to go through all the standards together.",
    ];

    public static Task<int> ApplyAsync(SeQuInDbContext db, string networkCode, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            WITH chosen AS (
                SELECT a.id, abs(hashtext(u.code || a.area_code || a.month::text)) % 10 AS bucket,
                       abs(hashtext(a.area_code || u.code || a.month::text)) % 3 AS pick
                FROM assessments a
                JOIN units u ON u.id = a.unit_id
                JOIN networks n ON n.id = a.network_id
                WHERE n.code = {networkCode} AND a.status = 'Submitted' AND a.confirmation IS NULL AND NOT a.imported
                  AND a.month > (SELECT max(month) FROM assessments WHERE network_id = n.id) - interval '6 months'
                  AND EXISTS (SELECT 1 FROM participants p WHERE p.assessment_id = a.id AND p.role = 'ServiceUser'))
            UPDATE assessments a
            SET confirmation = CASE WHEN c.bucket < 6 THEN 'Agreed' ELSE 'Disagreed' END,
                confirmation_reason = CASE WHEN c.bucket < 6 THEN NULL ELSE ({Reasons})[1 + c.pick] END,
                confirmed_at = a.submitted_at + interval '20 minutes'
            FROM chosen c
            WHERE a.id = c.id AND c.bucket < 7
            """, ct);
}
