using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Benchmarks;

/// <summary>What benchmarks need of a framework version: its areas in order and the ends of its scale.</summary>
public sealed record FrameworkShape(Guid VersionId, IReadOnlyList<string> AreaCodes, int Min, int Max);

/// <summary>
/// The shapes of active and retired framework versions, read from the database once per version and kept for the
/// life of the process. Safe because only drafts can change: an active or retired version's areas and scale are
/// immutable (the catalogue refuses edits with 409), and a draft is never looked up here. Which version is active
/// is still asked of the database on every request, so an activation anywhere is seen at once.
/// </summary>
public sealed class FrameworkShapes
{
    private readonly ConcurrentDictionary<Guid, FrameworkShape> _shapes = new();

    /// <summary>The active version's id, for queries that fetch it alongside something else.</summary>
    public static IQueryable<Guid> ActiveVersionId(SeQuInDbContext db) =>
        db.FrameworkVersions.Where(v => v.Status == FrameworkStatus.Active).Select(v => v.Id);

    /// <summary>The active version's shape, or null when no version is active.</summary>
    public async Task<FrameworkShape?> ActiveAsync(SeQuInDbContext db, CancellationToken ct) =>
        await ActiveVersionId(db).Select(id => (Guid?)id).SingleOrDefaultAsync(ct) is { } id ? await OfAsync(db, id, ct) : null;

    /// <summary>
    /// The shapes of the versions ratings were pinned to, by identifier: a month is read on its own version's scale,
    /// not the active one's. Ratings are only ever made against active (later retired) versions, never drafts.
    /// </summary>
    public async Task<Dictionary<string, FrameworkShape>> ByIdentifierAsync(SeQuInDbContext db, IEnumerable<string> identifiers, CancellationToken ct)
    {
        var wanted = identifiers.Distinct(StringComparer.Ordinal).ToList();
        var shapes = new Dictionary<string, FrameworkShape>(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return shapes;
        }
        var ids = await db.FrameworkVersions.AsNoTracking().Where(v => wanted.Contains(v.Identifier)).Select(v => new { v.Identifier, v.Id }).ToListAsync(ct);
        foreach (var version in ids)
        {
            shapes[version.Identifier] = await OfAsync(db, version.Id, ct);
        }
        return shapes;
    }

    /// <summary>The shape of a version known to be active or retired.</summary>
    public async Task<FrameworkShape> OfAsync(SeQuInDbContext db, Guid versionId, CancellationToken ct)
    {
        if (_shapes.TryGetValue(versionId, out var known))
        {
            return known;
        }
        var version = await db.FrameworkVersions.AsNoTracking().Where(v => v.Id == versionId)
            .Select(v => new
            {
                v.Status,
                Areas = v.Areas.OrderBy(a => a.Order).Select(a => a.Code).ToList(),
                Min = v.Scale.Min(p => p.Value),
                Max = v.Scale.Max(p => p.Value),
            })
            .SingleAsync(ct);
        var shape = new FrameworkShape(versionId, version.Areas, version.Min, version.Max);
        return version.Status == FrameworkStatus.Draft ? shape : _shapes.GetOrAdd(versionId, shape);
    }
}
