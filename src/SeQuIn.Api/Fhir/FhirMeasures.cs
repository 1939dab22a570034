using FluentValidation;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// One Measure per area (<see cref="MeasureReports.Measure"/>) of any active or retired framework version, named as the
/// latest of those versions names it. Definitions, like the framework catalogue: any signed-in caller reads them.
/// </summary>
public static class FhirMeasures
{
    public const string Type = "Measure";

    public static readonly FhirResourceDefinition Definition = new(
        Type, Policies.SignedIn, AllowedRoles.Everyone,
        "Each area of the framework as a Measure (url " + FhirNames.Base + "/Measure/sequin-area-{area}): scoring continuous-variable, " +
        "improvement notation increase; a unit's score is the mean of the area's applicable standard ratings.",
        [
            new("url", SearchParamType.Uri, "The Measure's canonical url."),
            new("name", SearchParamType.String, "Computable name (SeQuInArea{code}) starts with the value, ignoring case."),
        ],
        ReadMeasure, SearchMeasures, () => MeasureReports.Measure(new MeasuredArea("INV", "Involvement", "How service users take part in the life of the unit.")),
        Exported);

    public static async Task<FhirResult> ReadMeasure(string id, SeQuInDbContext db, CancellationToken ct)
    {
        const string prefix = "sequin-area-";
        if (!id.StartsWith(prefix, StringComparison.Ordinal) || id.Length == prefix.Length)
        {
            return FhirResult.NotFound(Type, id);
        }
        var code = id[prefix.Length..];
        var areas = await MeasuredAsync(db, Codes(db).Where(c => c.ToLower() == code), ct);
        return areas.Count == 1 ? FhirResult.Ok(MeasureReports.Measure(areas[0])) : FhirResult.NotFound(Type, id);
    }

    public static Task<FhirResult> SearchMeasures([AsParameters] MeasureSearch query, HttpContext http, SeQuInDbContext db, CancellationToken ct)
    {
        var codes = Codes(db);
        if (query.url is not null)
        {
            const string prefix = FhirNames.Base + "/Measure/sequin-area-";
            var code = query.url.StartsWith(prefix, StringComparison.Ordinal) ? query.url[prefix.Length..] : null;
            codes = codes.Where(c => c.ToLower() == code);
        }
        if (query.name is not null)
        {
            var pattern = FhirSearch.StartsWithPattern(query.name.Trim());
            codes = codes.Where(c => EF.Functions.ILike("SeQuInArea" + c, pattern, "\\"));
        }
        return FhirApi.SearchSetAsync(http, Type, Matches(db, codes), query, ct);
    }

    private static FhirMatches<string> Matches(SeQuInDbContext db, IQueryable<string> codes) =>
        new(codes, c => c, async (page, token) => (await MeasuredAsync(db, page, token)).Select(a => (Resource)MeasureReports.Measure(a)).ToList());

    /// <summary>
    /// A Measure is named and described by the latest active or retired version holding its area, so it changes only
    /// when such a version is activated: with _since, the areas of versions activated in the window.
    /// </summary>
    private static IFhirMatches Exported(FhirExportScope scope)
    {
        var db = scope.Db;
        if (scope.Since is not { } since)
        {
            return Matches(db, Codes(db));
        }
        var until = scope.Until;
        return Matches(db, db.Areas.Where(a => db.FrameworkVersions.Any(v => v.Id == a.FrameworkVersionId && v.Status != FrameworkStatus.Draft
            && v.ActivatedAt > since && v.ActivatedAt <= until)).Select(a => a.Code).Distinct());
    }

    /// <summary>Every area code of a version units rate against (active or retired), once.</summary>
    private static IQueryable<string> Codes(SeQuInDbContext db) =>
        db.Areas.Where(a => db.FrameworkVersions.Any(v => v.Id == a.FrameworkVersionId && v.Status != FrameworkStatus.Draft)).Select(a => a.Code).Distinct();

    /// <summary>The areas by code, as the latest active or retired version holding each names and describes it, in code order.</summary>
    private static async Task<List<MeasuredArea>> MeasuredAsync(SeQuInDbContext db, IEnumerable<string> codes, CancellationToken ct)
    {
        var wanted = codes.ToList();
        var rows = await db.Areas.AsNoTracking().Where(a => wanted.Contains(a.Code))
            .Join(db.FrameworkVersions.Where(v => v.Status != FrameworkStatus.Draft), a => a.FrameworkVersionId, v => v.Id,
                (a, v) => new { a.Code, a.Name, a.Description, v.ActivatedAt })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.Code).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(r => r.ActivatedAt).First())
            .Select(r => new MeasuredArea(r.Code, r.Name, r.Description)).ToList();
    }

    private static async Task<List<MeasuredArea>> MeasuredAsync(SeQuInDbContext db, IQueryable<string> codes, CancellationToken ct) =>
        await MeasuredAsync(db, await codes.ToListAsync(ct), ct);
}

/// <summary>Measure search (FHIR names; each at most once).</summary>
/// <param name="url">The Measure's canonical url.</param>
/// <param name="name">Computable name starts with this, ignoring case.</param>
/// <param name="_count">Page size, 0 to 500 (default 50); 0 answers only the total.</param>
/// <param name="_cursor">Opaque; taken from the Bundle's next link.</param>
public sealed record MeasureSearch(string? url, string? name, int? _count, string? _cursor) : IFhirSearch;

public sealed class MeasureSearchValidator : AbstractValidator<MeasureSearch>
{
    public MeasureSearchValidator()
    {
        this.AddFhirSearchRules();
        RuleFor(q => q.url).IsSearchValue();
        RuleFor(q => q.name).IsSearchValue();
    }
}
