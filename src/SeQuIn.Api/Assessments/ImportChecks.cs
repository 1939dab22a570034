using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Assessments;

/// <summary>One row as it will be stored: every code resolved to what it names.</summary>
internal readonly record struct ImportLine(
    int Index, ImportRow Row, Guid UnitId, Guid NetworkId, Guid VersionId, string Version, Guid AreaId, string AreaCode, DateOnly Month,
    Guid StandardId);

/// <summary>A problem with one row, named by the field the sender would fix.</summary>
internal readonly record struct ImportProblem(int Index, string Field, string Message);

/// <summary>
/// What a row is checked against: every unit, and every framework version with its scale, areas and standards. Read
/// once per import — it grows with the reference data, never with the document — so that each row is checked in
/// memory as it arrives. Rules that need other rows (each assessment complete, no standard twice, nothing already
/// stored) are the staging table's (<see cref="ImportStaging"/>).
/// </summary>
internal sealed class ImportChecks
{
    private sealed record Version(Guid Id, string Identifier, FrameworkStatus Status, bool AllowNotApplicable, int Min, int Max);
    private sealed record UnitRef(Guid Id, string Code, Guid NetworkId, Guid? CollaborativeId);

    private readonly Dictionary<string, UnitRef> _units;
    private readonly Dictionary<string, Version> _versions;
    private readonly Version? _active;
    private readonly Dictionary<(Guid Version, string Area), (Guid Id, Dictionary<string, Guid> Standards)> _areas;
    private readonly Caller _caller;
    private readonly DateOnly _today;
    private readonly DateOnly _currentMonth;

    private ImportChecks(Dictionary<string, UnitRef> units, Dictionary<string, Version> versions,
        Dictionary<(Guid, string), (Guid, Dictionary<string, Guid>)> areas, Caller caller, TimeProvider clock)
    {
        _units = units;
        _versions = versions;
        _active = versions.Values.SingleOrDefault(v => v.Status == FrameworkStatus.Active);
        _areas = areas;
        _caller = caller;
        _today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        _currentMonth = Months.Current(clock);
    }

    public static async Task<ImportChecks> LoadAsync(SeQuInDbContext db, Caller caller, TimeProvider clock, CancellationToken ct)
    {
        var units = await db.Units.AsNoTracking().Select(u => new UnitRef(u.Id, u.Code, u.NetworkId, u.CollaborativeId)).ToDictionaryAsync(u => u.Code, StringComparer.Ordinal, ct);
        var versions = await db.FrameworkVersions.AsNoTracking()
            .Select(v => new Version(v.Id, v.Identifier, v.Status, v.AllowNotApplicable, v.Scale.Min(p => p.Value), v.Scale.Max(p => p.Value)))
            .ToDictionaryAsync(v => v.Identifier, StringComparer.Ordinal, ct);
        var areas = (await db.Areas.AsNoTracking().Select(a => new { a.Id, a.FrameworkVersionId, a.Code, Standards = a.Standards.Select(s => new { s.Id, s.Code }).ToList() })
                .ToListAsync(ct))
            .ToDictionary(a => (a.FrameworkVersionId, a.Code), a => (a.Id, a.Standards.ToDictionary(s => s.Code, s => s.Id, StringComparer.Ordinal)));
        return new ImportChecks(units, versions, areas, caller, clock);
    }

    /// <summary>PostgreSQL cannot store U+0000 in text (the rule <see cref="Common.InputShape"/> keeps for every other body).</summary>
    private static string? FieldWithNul(ImportRow row) =>
        row.UnitCode.Contains('\0') ? "unitCode"
        : row.AreaCode.Contains('\0') ? "areaCode"
        : row.Month.Contains('\0') ? "month"
        : row.StandardCode.Contains('\0') ? "standardCode"
        : row.NotApplicableReason?.Contains('\0') == true ? "notApplicableReason"
        : row.FrameworkVersion?.Contains('\0') == true ? "frameworkVersion"
        : null;

    /// <summary>Adds the row's problems to <paramref name="problems"/>; gives the resolved row when it has none.</summary>
    public ImportLine? Check(ImportRow row, int index, List<ImportProblem> problems)
    {
        void Fail(string field, string message) => problems.Add(new ImportProblem(index, field, message));

        if (FieldWithNul(row) is { } field)
        {
            Fail(field, $"'{field}' must not contain the NUL character (U+0000).");
            return null;
        }
        if (!_units.TryGetValue(row.UnitCode, out var unit))
        {
            Fail("unitCode", $"there is no unit '{row.UnitCode}'.");
            return null;
        }
        if (!_caller.Scope.AdministersUnit(new UnitPlace(unit.Id, unit.NetworkId, unit.CollaborativeId)))
        {
            Fail("unitCode", $"unit '{row.UnitCode}' is not in a network you administer.");
            return null;
        }
        var version = row.FrameworkVersion is null ? _active : _versions.GetValueOrDefault(row.FrameworkVersion);
        if (version is null)
        {
            Fail("frameworkVersion", row.FrameworkVersion is null ? "no framework version is active." : $"there is no framework version '{row.FrameworkVersion}'.");
            return null;
        }
        if (version.Status == FrameworkStatus.Draft)
        {
            Fail("frameworkVersion", $"framework version '{version.Identifier}' is a draft: history is rated against an active or retired version.");
            return null;
        }
        if (!Months.TryParse(row.Month, out var month))
        {
            Fail("month", $"'{row.Month}' is not a month written YYYY-MM.");
            return null;
        }
        if (month > _currentMonth)
        {
            Fail("month", $"{row.Month} is in the future.");
            return null;
        }
        if (!_areas.TryGetValue((version.Id, row.AreaCode), out var area))
        {
            Fail("areaCode", $"framework {version.Identifier} has no area '{row.AreaCode}'.");
            return null;
        }
        if (!area.Standards.TryGetValue(row.StandardCode, out var standardId))
        {
            Fail("standardCode", $"'{row.StandardCode}' is not a standard of area {row.AreaCode} in framework {version.Identifier}.");
            return null;
        }
        var before = problems.Count;
        if (row.NotApplicable)
        {
            if (!version.AllowNotApplicable)
            {
                Fail("notApplicable", $"framework {version.Identifier} does not allow 'not applicable'.");
            }
            if (row.Value is not null)
            {
                Fail("value", "'value' must be empty when the standard is not applicable.");
            }
            if (string.IsNullOrWhiteSpace(row.NotApplicableReason))
            {
                Fail("notApplicableReason", "a reason is required when the standard is not applicable.");
            }
        }
        else if (row.Value is not { } value || value < version.Min || value > version.Max)
        {
            Fail("value", $"'value' must be a whole number from {version.Min} to {version.Max}.");
        }
        if (row.AgreedRating is { } agreed && (agreed < version.Min || agreed > version.Max))
        {
            Fail("agreedRating", $"'agreedRating' must be a whole number from {version.Min} to {version.Max}.");
        }
        if (row.NotApplicableReason?.Length > 1000)
        {
            Fail("notApplicableReason", "the reason may be at most 1000 characters.");
        }
        else if (PrivacyScreen.Find(row.NotApplicableReason, _today) is { } kind)
        {
            Fail("notApplicableReason", $"the reason seems to contain {PrivacyScreen.Describe(kind)}.");
        }
        return problems.Count > before
            ? null
            : new ImportLine(index, row, unit.Id, unit.NetworkId, version.Id, version.Identifier, area.Id, row.AreaCode, month, standardId);
    }
}
