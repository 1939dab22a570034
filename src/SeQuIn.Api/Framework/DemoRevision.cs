using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Framework;

/// <summary>
/// The demo's co-produced revision (ADR 0030): staff and service users of the demo unit have commented
/// on the active version; a draft 2027.1, open for comment, rewords two standards answering two of them; a lead declined
/// one; one more waits on the draft itself. Loaded once: nothing is written when 2027.1 exists.
/// </summary>
public static class DemoRevision
{
    public const string DraftIdentifier = "2027.1";

    /// <param name="unitCode">The demo unit whose member key --demo prints: its staff and service users commented.</param>
    public static async Task<int> LoadAsync(SeQuInDbContext db, string unitCode, DateTimeOffset now, CancellationToken ct)
    {
        var active = await db.FrameworkVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Status == FrameworkStatus.Active, ct);
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == unitCode, ct);
        if (active is null || unit is null || await db.FrameworkVersions.AnyAsync(v => v.Identifier == DraftIdentifier, ct))
        {
            return 0;
        }
        FrameworkComment Comment(Guid versionId, string area, string standard, CommentVoice voice, string text, string? suggestion, int daysAgo) => new()
        {
            FrameworkVersionId = versionId, AreaCode = area, StandardCode = standard, Voice = voice, Text = text, Suggestion = suggestion,
            NetworkId = unit.NetworkId, UnitId = unit.Id, CreatedAt = now.AddDays(-daysAgo),
        };
        var papers = Comment(active.Id, "INV", "INV-02", CommentVoice.ServiceUser,
            "The papers come the day before. That is too late to read them with my advocate.", "Papers are sent a week before, in easy read.", 40);
        var internet = Comment(active.Id, "TEC", "TEC-01", CommentVoice.Staff,
            "Video calls with family matter as much as learning and job searching; the standard does not say so.", null, 35);
        var declined = Comment(active.Id, "RCO", "RCO-03", CommentVoice.Staff,
            "Carers cannot come in working hours; drop carers from this standard.", null, 30);
        declined.DeclinedAt = now.AddDays(-20);
        declined.DeclineNote = "The network keeps carers in: courses are to be offered at times carers can come (co-production day).";
        declined.Revision = 2;
        var open = Comment(active.Id, "CPA", "CPA-01", CommentVoice.ServiceUser,
            "I want to choose who helps me get ready, not always my named nurse.", "With a person you choose.", 25);
        var onTheDraft = Comment(Guid.Empty, "INV", "INV-02", CommentVoice.CarerOrFamily,
            "Families would like the easy-read papers too.", null, 5);

        var document = DatabaseMigrator.ReadSeed<FrameworkDocument>(DatabaseMigrator.FirstFramework);
        document = document with
        {
            Identifier = DraftIdentifier,
            Title = "SeQuIn Secure Quality Involvement framework, 2027 revision (draft for comment)",
            Description = "The 2027 revision, open for comment: wording proposed after comments from staff and service users.",
            OpenForComment = true,
            Areas = [.. document.Areas.Select(a => a with { Standards = [.. a.Standards.Select(s => s.Code switch
            {
                "INV-02" => s with
                {
                    Statement = "Service user representatives attend governance meetings as full members, with accessible papers sent a week in advance.",
                    EasyReadStatement = "Patient reps go to the big hospital meetings. They get easy-read papers a week before.",
                    Answers = [papers.Id],
                },
                "TEC-01" => s with
                {
                    Statement = "Service users have supervised internet access for learning, job searching and keeping in touch, including video calls with family and friends, under a written policy reviewed with service users.",
                    EasyReadStatement = "You can use the internet safely for learning, jobs, keeping in touch and video calls with family. Patients help write the rules.",
                    Answers = [internet.Id],
                },
                _ => s,
            })] })],
        };
        var draft = new FrameworkVersion { Identifier = DraftIdentifier, Title = document.Title, CreatedAt = now.AddDays(-10) };
        FrameworkApi.Apply(document, draft, now.AddDays(-10));
        db.FrameworkVersions.Add(draft);
        onTheDraft.FrameworkVersionId = draft.Id;
        db.Set<FrameworkComment>().AddRange(papers, internet, declined, open, onTheDraft);
        await db.SaveChangesAsync(ct);
        return 5;
    }
}
