using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Data;

namespace SeQuIn.Benchmarks;

/// <param name="Sessions">Tablet sessions with an assessment the client knows of.</param>
/// <param name="SessionsMatching">Of those, stored exactly as acknowledged: status, revision, agreed rating, every rating, one audit row per acknowledged change, one question per return.</param>
/// <param name="Lost">Acknowledged writes missing from the database (a stored revision behind the client's).</param>
/// <param name="Doubled">Writes stored more often than acknowledged (a revision or audit rows ahead of the client's, or a second assessment).</param>
/// <param name="Unknown">Assessments of the soak month no client knows of.</param>
/// <param name="ImportsAcknowledged">Imports answered 200; ImportsStored of those found whole, once, with the values sent.</param>
/// <param name="ImportsUnanswered">Imports never answered 200: each must be stored whole or not at all (ImportsUnansweredStored: whole).</param>
/// <param name="ImportAuditRows">assessments.imported audit rows since the soak started: one per import stored.</param>
/// <param name="Mismatches">Up to 30 sessions or imports that differ, and how.</param>
public sealed record SoakCheckResult(int Sessions, int SessionsMatching, int SessionsLostTrack, int Lost, int Doubled, int Unknown, int SessionsWithoutAssessment,
    int AcknowledgedChanges, int ImportsAcknowledged, int ImportsStored, int ImportsUnanswered, int ImportsUnansweredStored, int ImportsPartial, long ImportAuditRows,
    List<string> Mismatches)
{
    public bool Passed => SessionsMatching == Sessions && SessionsLostTrack == 0 && Lost == 0 && Doubled == 0 && Unknown == 0 && ImportsStored == ImportsAcknowledged
                          && ImportsPartial == 0 && ImportAuditRows == ImportsStored + ImportsUnansweredStored;
}

/// <summary>After a run: what the clients were told was stored, against what the database holds (read as the superuser, outside the service).</summary>
public static class SoakCheck
{
    public static async Task<SoakCheckResult> RunAsync(string connectionString, SoakSetup setup, SoakWorkload workload, DateTimeOffset soakStarted)
    {
        var options = new DbContextOptionsBuilder<SeQuInDbContext>();
        // Unpooled: the restart run killed every pooled connection the harness held.
        SeQuInDbContext.Configure(options, new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await using var db = new SeQuInDbContext(options.Options);
        var mismatches = new List<string>();
        void Mismatch(string what)
        {
            if (mismatches.Count < 30)
            {
                mismatches.Add(what);
            }
        }

        var month = Months.Parse(setup.SoakMonth);
        var stored = await db.Assessments.AsNoTracking().Where(a => a.Month == month)
            .Select(a => new { a.Id, a.UnitId, a.AreaCode, a.Status, a.Revision, a.AgreedRating }).ToListAsync();
        var ids = stored.Select(a => a.Id).ToList();
        var ratings = (await db.Ratings.AsNoTracking().Where(r => ids.Contains(r.AssessmentId)).Select(r => new { r.AssessmentId, r.StandardCode, r.Value }).ToListAsync())
            .ToLookup(r => r.AssessmentId);
        var idTexts = ids.Select(id => id.ToString()).ToList();
        var audit = await db.AuditEvents.AsNoTracking().Where(e => e.EntityType == AssessmentsApi.EntityType && idTexts.Contains(e.EntityId))
            .GroupBy(e => e.EntityId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => Guid.Parse(g.Key), g => g.Count);
        var questions = await db.Comments.AsNoTracking().Where(c => ids.Contains(c.AssessmentId) && c.Kind == CommentKind.Question)
            .GroupBy(c => c.AssessmentId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);

        var byId = stored.ToDictionary(a => a.Id);
        int sessions = 0, matching = 0, lostTrack = 0, lost = 0, doubled = 0, without = 0, changes = 0;
        var known = new HashSet<Guid>();
        foreach (var session in setup.Sessions)
        {
            if (session.Id is not { } id)
            {
                without++;
                continue;
            }
            sessions++;
            known.Add(id);
            changes += session.Revision;
            if (session.Lost is not null)
            {
                lostTrack++;
                Mismatch($"{session.UnitCode} {session.Area.Code}: the client lost track ({session.Lost})");
                continue;
            }
            if (!byId.TryGetValue(id, out var row))
            {
                lost++;
                Mismatch($"{session.UnitCode} {session.Area.Code} {id}: acknowledged, not in the database");
                continue;
            }
            var storedRatings = ratings[id].Where(r => r.Value is not null).ToDictionary(r => r.StandardCode, r => r.Value!.Value, StringComparer.Ordinal);
            var auditRows = audit.GetValueOrDefault(id);
            var problems = new List<string>();
            if (row.Revision < session.Revision)
            {
                lost++;
                problems.Add($"revision {row.Revision} stored, {session.Revision} acknowledged");
            }
            else if (row.Revision > session.Revision)
            {
                doubled++;
                problems.Add($"revision {row.Revision} stored, {session.Revision} acknowledged");
            }
            if (auditRows != session.Revision)
            {
                problems.Add($"{auditRows} audit rows for {session.Revision} acknowledged writes (create + changes)");
                if (auditRows > session.Revision && row.Revision == session.Revision)
                {
                    doubled++;
                }
            }
            if (row.Status != session.Status)
            {
                problems.Add($"status {row.Status}, acknowledged {session.Status}");
            }
            if (row.AgreedRating != session.Agreed)
            {
                problems.Add($"agreed rating {row.AgreedRating}, acknowledged {session.Agreed}");
            }
            if (storedRatings.Count != session.Ratings.Count || storedRatings.Any(r => session.Ratings.GetValueOrDefault(r.Key, -1) != r.Value))
            {
                problems.Add($"ratings {Show(storedRatings)}, acknowledged {Show(session.Ratings)}");
            }
            if (questions.GetValueOrDefault(id) != session.Returns)
            {
                problems.Add($"{questions.GetValueOrDefault(id)} questions for {session.Returns} acknowledged returns");
            }
            if (problems.Count == 0)
            {
                matching++;
            }
            else
            {
                Mismatch($"{session.UnitCode} {session.Area.Code} {id}: {string.Join("; ", problems)}");
            }
        }
        var unknown = stored.Count(a => !known.Contains(a.Id));
        foreach (var orphan in stored.Where(a => !known.Contains(a.Id)).Take(5))
        {
            Mismatch($"assessment {orphan.Id} of {setup.SoakMonth} ({orphan.AreaCode}) that no client knows of");
        }

        // Imports: acknowledged ones whole and once, with the ids answered; unanswered ones whole or absent.
        var imports = workload.Imports.ToList();
        int importsStored = 0, unansweredStored = 0, partial = 0;
        var unitIds = setup.Units.ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
        foreach (var import in imports)
        {
            var importMonth = Months.Parse(import.Month);
            var units = import.Rows.Keys.Select(k => unitIds[k.Unit]).Distinct().ToList();
            var found = await db.Assessments.AsNoTracking().Where(a => a.Month == importMonth && units.Contains(a.UnitId))
                .Select(a => new { a.Id, a.UnitId, a.AreaCode, a.AgreedRating, a.Imported, a.Status }).ToListAsync();
            var foundIds = found.Select(a => a.Id).ToList();
            var foundRatings = (await db.Ratings.AsNoTracking().Where(r => foundIds.Contains(r.AssessmentId)).Select(r => new { r.AssessmentId, r.StandardCode, r.Value })
                .ToListAsync()).ToLookup(r => r.AssessmentId);
            var codeOf = setup.Units.ToDictionary(u => u.Id, u => u.Code);
            var whole = found.Count == import.Rows.Count && found.All(a =>
                a.Imported && a.Status == AssessmentStatus.Submitted && import.Rows.TryGetValue((codeOf[a.UnitId], a.AreaCode), out var sent) && a.AgreedRating == sent.Agreed
                && foundRatings[a.Id].Count() == sent.Values.Count && foundRatings[a.Id].All(r => sent.Values.GetValueOrDefault(r.StandardCode, -1) == r.Value));
            if (import.Acknowledged)
            {
                if (whole && foundIds.Order().SequenceEqual(import.Ids.Order()))
                {
                    importsStored++;
                }
                else
                {
                    Mismatch($"import {import.Key} ({Dataset.NetworkCode(import.Network)} {import.Month}): {found.Count} of {import.Rows.Count} assessments found, whole {whole}");
                }
            }
            else if (whole)
            {
                unansweredStored++;
            }
            else if (found.Count > 0)
            {
                partial++;
                Mismatch($"unanswered import {import.Key} ({Dataset.NetworkCode(import.Network)} {import.Month}) partly stored: {found.Count} of {import.Rows.Count}");
            }
        }
        var importAudit = await db.AuditEvents.AsNoTracking().LongCountAsync(e => e.Action == "assessments.imported" && e.OccurredAt >= soakStarted);
        return new SoakCheckResult(sessions, matching, lostTrack, lost, doubled, unknown, without, changes, imports.Count(i => i.Acknowledged), importsStored,
            imports.Count(i => !i.Acknowledged), unansweredStored, partial, importAudit, mismatches);
    }

    private static string Show(IReadOnlyDictionary<string, int> ratings) =>
        "{" + string.Join(",", ratings.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}")) + "}";
}
