using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Data;

/// <summary>
/// Two years of plausible, submitted assessment history for the demo network, so that trends, benchmarks, gaps in
/// provision and shared best practice have something to show. Generated from a fixed seed: every load of the same
/// network on the same day writes the same ratings.
/// </summary>
/// <remarks>
/// Each unit has a base level, a trajectory (improving, steady, declining, volatile, or a step change after a new
/// initiative around the twelfth month) and a rate of disagreement between staff and service users; each area and
/// standard adds an offset (Technology and Recovery College are weaker across the network, and a few standards are
/// gaps nearly everywhere); strong units hold a few standards at the top of the scale. Nothing here describes a
/// person: participants are roles with generic labels, and reasons and evidence are about services. These
/// parameters are data (Data/Seed/demo-history.json); this class is the generator that draws from them.
/// </remarks>
public static class DemoHistory
{
    public const string Actor = "system:demo";
    public const int MonthsOfHistory = 24;

    /// <summary>The demo's character, kept as data (Data/Seed/demo-history.json); the code below only draws from it.</summary>
    private static readonly DemoHistorySeed Data = DatabaseMigrator.ReadSeed<DemoHistorySeed>(SeedFile);
    private const string SeedFile = "demo-history.json";

    private enum Trajectory
    {
        Steady,
        Improving,
        Declining,
        Volatile,
        StepChange,
    }

    /// <param name="Seed">Of the random numbers: the same seed, network and day give the same ratings.</param>
    /// <param name="ReferenceTop">The top of the scale unit levels and offsets are given on, mapped onto the version's own scale.</param>
    /// <param name="UnitProfiles">By unit position (medium secure first, then low, each by code); cycled for larger networks.</param>
    /// <param name="UnitMissingAMonth">The unit (by position) that misses one whole month, <paramref name="MonthMissed"/> of the history.</param>
    /// <param name="MonthMissed">The month of the history (0-based) that unit misses.</param>
    /// <param name="AreaOffsets">Network-wide strength of each area, on the reference scale; other areas get a random one.</param>
    /// <param name="GapStandards">Standards that most units rate at or near the bottom: the network's gaps in provision.</param>
    /// <param name="GapOffset">How far below its area a gap standard lies.</param>
    /// <param name="GapProjectMonth">From this month the first gap closes, after a network-wide project.</param>
    private sealed record DemoHistorySeed(
        int Seed,
        double ReferenceTop,
        IReadOnlyList<UnitProfile> UnitProfiles,
        int UnitMissingAMonth,
        int MonthMissed,
        IReadOnlyDictionary<string, double> AreaOffsets,
        IReadOnlyList<string> GapStandards,
        double GapOffset,
        int GapProjectMonth,
        ParticipantLabels ParticipantLabels,
        NotApplicableReasons NotApplicableReasons,
        EvidenceTemplates Evidence);

    /// <param name="Level">The unit's typical rating on the reference scale.</param>
    /// <param name="Disagreement">Share of ratings where staff and service users were one point apart.</param>
    /// <param name="MissRate">Share of area-months the unit did not assess.</param>
    /// <param name="BestPractice">How many standards the unit holds at the top of the scale.</param>
    private sealed record UnitProfile(double Level, Trajectory Trajectory, double Disagreement, double MissRate, int BestPractice);

    /// <summary>Generic labels by role: nothing here describes a person.</summary>
    private sealed record ParticipantLabels(
        IReadOnlyList<string> Staff, IReadOnlyList<string> ServiceUser, IReadOnlyList<string> Advocate, IReadOnlyList<string> Carer);

    /// <summary>Why a standard was not applicable: an area's own reason, or one of the generic ones.</summary>
    private sealed record NotApplicableReasons(IReadOnlyList<string> Generic, IReadOnlyDictionary<string, string> ByArea);

    /// <summary>Evidence an area's assessments cite; areas without their own cite the generic kinds.</summary>
    private sealed record EvidenceTemplates(IReadOnlyList<EvidenceTemplate> Generic, IReadOnlyDictionary<string, IReadOnlyList<EvidenceTemplate>> ByArea);

    private sealed record EvidenceTemplate(EvidenceKind Kind, string Title, string Description);

    /// <summary>
    /// Loads <see cref="MonthsOfHistory"/> months of submitted assessments (every area of the active framework version)
    /// for the units of the network, ending with the month before <paramref name="today"/>'s month. Does nothing and
    /// returns 0 when any unit of the network already has an assessment.
    /// </summary>
    /// <returns>The number of assessments written.</returns>
    public static async Task<int> LoadAsync(SeQuInDbContext db, string networkCode, DateOnly today, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentException.ThrowIfNullOrWhiteSpace(networkCode);

        var network = await db.Networks.AsNoTracking().SingleOrDefaultAsync(n => n.Code == networkCode, ct)
            ?? throw new InvalidOperationException($"Network {networkCode} does not exist: load the demo network before its history.");
        var units = (await db.Units.AsNoTracking().Where(u => u.NetworkId == network.Id).ToListAsync(ct))
            .OrderBy(u => u.SecurityLevel).ThenBy(u => u.Code, StringComparer.Ordinal).ToList();
        if (units.Count == 0)
        {
            return 0;
        }
        var unitIds = units.Select(u => u.Id).ToList();
        if (await db.Assessments.AnyAsync(a => unitIds.Contains(a.UnitId) || a.NetworkId == network.Id, ct))
        {
            return 0;
        }

        var version = await db.FrameworkVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Status == FrameworkStatus.Active, ct)
            ?? throw new InvalidOperationException("There is no active framework version to rate against.");
        var scale = await db.ScalePoints.AsNoTracking().Where(p => p.FrameworkVersionId == version.Id).Select(p => p.Value).ToListAsync(ct);
        if (scale.Count == 0)
        {
            throw new InvalidOperationException($"Framework version {version.Identifier} has no scale.");
        }
        var areas = (await db.Areas.AsNoTracking().Where(a => a.FrameworkVersionId == version.Id).Include(a => a.Standards).ToListAsync(ct))
            .OrderBy(a => a.Order).ThenBy(a => a.Code, StringComparer.Ordinal).ToList();
        foreach (var area in areas)
        {
            area.Standards = [.. area.Standards.OrderBy(s => s.Order).ThenBy(s => s.Code, StringComparer.Ordinal)];
        }
        areas.RemoveAll(a => a.Standards.Count == 0);

        var assessments = Generate(units, version, areas, scale.Min(), scale.Max(), today);

        // Binary COPY: EF's batched inserts of these ~60,000 rows take several seconds on a small machine, COPY about one.
        // Tables, columns and enum conversions come from the EF model, so the copy follows the schema as it evolves; the
        // database's constraints and triggers (the benchmark summaries' deferred refresh, at commit) apply as usual.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await CopyAsync(db, connection, assessments, ct);
            await CopyAsync(db, connection, assessments.SelectMany(a => a.Participants), ct);
            await CopyAsync(db, connection, assessments.SelectMany(a => a.Ratings), ct);
            await CopyAsync(db, connection, assessments.SelectMany(a => a.Evidence), ct);
            if (transaction is not null)
            {
                await transaction.CommitAsync(ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return assessments.Count;
    }

    private static List<Assessment> Generate(List<Unit> units, FrameworkVersion version, List<Area> areas, int min, int max, DateOnly today)
    {
        var rng = new Random(Data.Seed);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var first = thisMonth.AddMonths(-MonthsOfHistory);
        var last = MonthsOfHistory - 1;
        var toScale = (max - min) / Data.ReferenceTop;
        var standards = areas.SelectMany(a => a.Standards).ToList();
        var allowNotApplicable = version.AllowNotApplicable;

        // Network-wide character of areas and standards.
        var areaOffset = areas.ToDictionary(a => a.Code, a => Data.AreaOffsets.TryGetValue(a.Code, out var o) ? o : Normal(rng, 0.2), StringComparer.Ordinal);
        var standardOffset = standards.ToDictionary(s => s.Code, _ => Normal(rng, 0.25), StringComparer.Ordinal);
        var gaps = Data.GapStandards.Where(standardOffset.ContainsKey).ToList();
        if (gaps.Count == 0)
        {
            gaps = [.. standards.OrderBy(_ => rng.Next()).Take(Math.Min(3, standards.Count)).Select(s => s.Code)];
        }

        var assessments = new List<Assessment>(units.Count * areas.Count * MonthsOfHistory);
        for (var u = 0; u < units.Count; u++)
        {
            var unit = units[u];
            var profile = Data.UnitProfiles[u % Data.UnitProfiles.Count];

            // The unit's own character: per area, per standard, and its trajectory.
            var unitArea = areas.ToDictionary(a => a.Code, _ => (Offset: Normal(rng, 0.3), Slope: Normal(rng, 0.3)), StringComparer.Ordinal);
            var unitStandard = standards.ToDictionary(s => s.Code, _ => Normal(rng, 0.2), StringComparer.Ordinal);
            var bestPractice = standards.Where(s => !gaps.Contains(s.Code) && areaOffset[AreaCodeOf(areas, s)] >= 0)
                .OrderBy(_ => rng.Next()).Take(profile.BestPractice).Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
            var usuallyNotApplicable = standards.Where(s => !bestPractice.Contains(s.Code) && rng.NextDouble() < 0.012)
                .Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
            var drift = standards.ToDictionary(s => s.Code, _ => 0.0, StringComparer.Ordinal);
            var stepMonth = 11 + rng.Next(3);
            var phase = rng.NextDouble() * 2 * Math.PI;

            for (var m = 0; m < MonthsOfHistory; m++)
            {
                var month = first.AddMonths(m);
                var position = (double)m / last - 0.5;
                var trend = profile.Trajectory switch
                {
                    Trajectory.Improving => 1.0 * position,
                    Trajectory.Declining => -0.8 * position,
                    Trajectory.Volatile => 0.45 * Math.Sin(2 * Math.PI * m / 7 + phase) + Normal(rng, 0.3),
                    Trajectory.StepChange => m < stepMonth ? -0.4 : m == stepMonth ? 0.1 : 0.6,
                    _ => 0.0,
                };
                var wholeMonthMissed = u == Data.UnitMissingAMonth && m == Data.MonthMissed;

                foreach (var area in areas)
                {
                    var (offset, slope) = unitArea[area.Code];
                    var areaLevel = profile.Level + trend + areaOffset[area.Code] + offset + slope * position + Normal(rng, 0.12);
                    var missed = wholeMonthMissed | rng.NextDouble() < profile.MissRate;

                    var assessment = new Assessment
                    {
                        UnitId = unit.Id,
                        NetworkId = unit.NetworkId,
                        FrameworkVersionId = version.Id,
                        FrameworkIdentifier = version.Identifier,
                        AreaId = area.Id,
                        AreaCode = area.Code,
                        Month = month,
                        SortKey = Submission.SortKey(month, unit.Id, area.Code),
                        Status = AssessmentStatus.Submitted,
                        Imported = false,
                        CreatedBy = Actor,
                        SubmittedBy = Actor,
                        Revision = 1,
                    };

                    foreach (var standard in area.Standards)
                    {
                        var code = standard.Code;
                        drift[code] = 0.6 * drift[code] + Normal(rng, 0.22);
                        var level = areaLevel + standardOffset[code] + unitStandard[code] + drift[code];
                        if (gaps.Contains(code))
                        {
                            level += code == gaps[0] && m >= Data.GapProjectMonth
                                ? Data.GapOffset * (1 - 0.7 * (m - Data.GapProjectMonth + 1) / (MonthsOfHistory - Data.GapProjectMonth))
                                : Data.GapOffset;
                        }
                        if (bestPractice.Contains(code))
                        {
                            level += 1.8;
                        }
                        var value = Math.Clamp((int)Math.Round(min + level * toScale, MidpointRounding.AwayFromZero), min, max);

                        var chance = rng.NextDouble();
                        var notApplicable = allowNotApplicable && (usuallyNotApplicable.Contains(code) ? chance < 0.75 : chance < 0.02);
                        var reason = rng.NextDouble() < 0.6 && Data.NotApplicableReasons.ByArea.TryGetValue(area.Code, out var areaReason)
                            ? areaReason
                            : Data.NotApplicableReasons.Generic[rng.Next(Data.NotApplicableReasons.Generic.Count)];
                        var (staffView, serviceUserView) = Views(rng, value, profile.Disagreement, min, max);
                        assessment.Ratings.Add(new Rating
                        {
                            AssessmentId = assessment.Id,
                            StandardCode = code,
                            StandardId = standard.Id,
                            Value = notApplicable ? null : value,
                            NotApplicable = notApplicable,
                            NotApplicableReason = notApplicable ? reason : null,
                            StaffView = notApplicable ? null : staffView,
                            ServiceUserView = notApplicable ? null : serviceUserView,
                        });
                    }
                    if (assessment.Ratings.All(r => r.NotApplicable))
                    {
                        var rating = assessment.Ratings[0];
                        var value = Math.Clamp((int)Math.Round(min + areaLevel * toScale, MidpointRounding.AwayFromZero), min, max);
                        (rating.Value, rating.NotApplicable, rating.NotApplicableReason, rating.StaffView, rating.ServiceUserView) =
                            (value, false, null, value, value);
                    }

                    var mean = assessment.Ratings.Where(r => r.Value is not null).Average(r => r.Value!.Value);
                    var agreed = (int)Math.Round(mean, MidpointRounding.AwayFromZero);
                    if (rng.NextDouble() < 0.05)
                    {
                        var up = rng.NextDouble() < 0.5;
                        var moved = Math.Clamp(agreed + (up ? 1 : -1), min, max);
                        if (moved != agreed)
                        {
                            assessment.AgreedRatingNote = moved > agreed
                                ? "Agreed one point higher: recent improvements are not yet reflected in every standard."
                                : "Agreed one point lower: the group felt the standards overstate practice this month.";
                            agreed = moved;
                        }
                    }
                    assessment.AgreedRating = agreed;

                    AddParticipants(rng, assessment);
                    Stamp(rng, assessment, month, thisMonth, today);
                    AddEvidence(rng, assessment, area.Code, month, max);

                    if (!missed)
                    {
                        assessments.Add(assessment);
                    }
                }
            }
        }
        return assessments;
    }

    /// <summary>Writes the rows with binary COPY into the entity's table, every mapped column, values converted as EF would.</summary>
    private static async Task CopyAsync<T>(SeQuInDbContext db, NpgsqlConnection connection, IEnumerable<T> rows, CancellationToken ct)
    {
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties()
            .Select(p => (
                Name: p.GetColumnName(table) ?? throw new InvalidOperationException($"{typeof(T).Name}.{p.Name} has no column."),
                Property: p.PropertyInfo ?? throw new InvalidOperationException($"{typeof(T).Name}.{p.Name} is a shadow property."),
                Converter: p.GetTypeMapping().Converter,
                DataType: StoreTypeName(p.GetColumnType())))
            .ToList();
        var qualifiedTable = table.Schema is null ? Quote(table.Name) : $"{Quote(table.Schema)}.{Quote(table.Name)}";
        var command = $"COPY {qualifiedTable} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)";
        await using var writer = await connection.BeginBinaryImportAsync(command, ct);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct);
            foreach (var column in columns)
            {
                var value = column.Property.GetValue(row);
                if (value is not null && column.Converter is not null)
                {
                    value = column.Converter.ConvertToProvider(value);
                }
                if (value is null)
                {
                    await writer.WriteNullAsync(ct);
                }
                else
                {
                    await writer.WriteAsync(value, column.DataType, ct);
                }
            }
        }
        await writer.CompleteAsync(ct);
    }

    /// <summary>"character varying(20)" is written as "character varying": the length is the column's to enforce.</summary>
    private static string StoreTypeName(string storeType)
    {
        var parenthesis = storeType.IndexOf('(', StringComparison.Ordinal);
        return parenthesis < 0 ? storeType : storeType[..parenthesis].TrimEnd();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string AreaCodeOf(List<Area> areas, Standard standard) => areas.First(a => a.Id == standard.AreaId).Code;

    /// <summary>Staff and service-user views: the same as the agreed value, or one point apart with the agreed value one of them.</summary>
    private static (int Staff, int ServiceUser) Views(Random rng, int value, double disagreement, int min, int max)
    {
        if (rng.NextDouble() >= disagreement || min == max)
        {
            return (value, value);
        }
        // Staff tend to rate a little higher than service users.
        var staffHigher = rng.NextDouble() < 0.65;
        var agreedIsStaff = rng.NextDouble() < 0.5;
        var other = value + ((staffHigher ^ agreedIsStaff) ? 1 : -1);
        if (other < min || other > max)
        {
            other = 2 * value - other;
        }
        return agreedIsStaff ? (value, other) : (other, value);
    }

    private static void AddParticipants(Random rng, Assessment assessment)
    {
        assessment.Participants.Add(new Participant
        {
            AssessmentId = assessment.Id,
            Role = ParticipantRole.Staff,
            Label = Data.ParticipantLabels.Staff[rng.Next(Data.ParticipantLabels.Staff.Count)],
        });
        assessment.Participants.Add(new Participant
        {
            AssessmentId = assessment.Id,
            Role = ParticipantRole.ServiceUser,
            Label = Data.ParticipantLabels.ServiceUser[rng.Next(Data.ParticipantLabels.ServiceUser.Count)],
        });
        if (rng.NextDouble() < 0.12)
        {
            var advocate = rng.NextDouble() < 0.6;
            var labels = advocate ? Data.ParticipantLabels.Advocate : Data.ParticipantLabels.Carer;
            assessment.Participants.Add(new Participant
            {
                AssessmentId = assessment.Id,
                Role = advocate ? ParticipantRole.Advocate : ParticipantRole.CarerOrFamilyMember,
                Label = labels[rng.Next(labels.Count)],
            });
        }
    }

    /// <summary>
    /// Made during the month assessed and submitted in the first ten days of the next (a few late, on days 15–25);
    /// never on or after <paramref name="today"/>, so the latest month's submissions are in the past.
    /// </summary>
    private static void Stamp(Random rng, Assessment assessment, DateOnly month, DateOnly thisMonth, DateOnly today)
    {
        var daysInMonth = DateTime.DaysInMonth(month.Year, month.Month);
        var created = At(month.AddDays(rng.Next(2, Math.Min(28, daysInMonth) - 1)), rng.Next(9, 16), rng.Next(60), rng.Next(60));
        var late = rng.NextDouble() < 0.06;
        var next = month.AddMonths(1);
        var day = late ? rng.Next(15, 26) : rng.Next(1, 11);
        var hour = rng.Next(9, 18);
        var minute = rng.Next(60);
        var second = rng.Next(60);
        if (next == thisMonth && day >= today.Day)
        {
            // Only days before today are in the past.
            day = today.Day > 1 ? 1 + (day - 1) % (today.Day - 1) : 0;
        }
        var submitted = day == 0
            ? created.AddHours(1 + rng.Next(3))
            : At(next.AddDays(day - 1), hour, minute, second);
        assessment.CreatedAt = created;
        assessment.SubmittedAt = submitted;
        assessment.UpdatedAt = submitted;
    }

    private static DateTimeOffset At(DateOnly day, int hour, int minute, int second) =>
        new(day.Year, day.Month, day.Day, hour, minute, second, TimeSpan.Zero);

    private static void AddEvidence(Random rng, Assessment assessment, string areaCode, DateOnly month, int max)
    {
        if (rng.NextDouble() >= 0.32)
        {
            return;
        }
        var candidates = assessment.Ratings.Where(r => r.Value >= max - 1).ToList();
        if (candidates.Count == 0)
        {
            return;
        }
        var templates = Data.Evidence.ByArea.TryGetValue(areaCode, out var forArea) ? forArea : Data.Evidence.Generic;
        var count = Math.Min(rng.NextDouble() < 0.7 ? 1 : 2, Math.Min(candidates.Count, templates.Count));
        var chosenTemplates = templates.OrderBy(_ => rng.Next()).Take(count).ToList();
        var chosenRatings = candidates.OrderBy(_ => rng.Next()).Take(count).ToList();
        var monthName = month.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            var rating = chosenRatings[i];
            var template = chosenTemplates[i];
            assessment.Evidence.Add(new Evidence
            {
                AssessmentId = assessment.Id,
                StandardCode = rating.StandardCode,
                Kind = template.Kind,
                Title = $"{template.Title} ({monthName})",
                Description = template.Description,
                Shared = rating.Value == max && rng.NextDouble() < 0.8,
                CreatedAt = assessment.CreatedAt.AddMinutes(5 + rng.Next(50)),
                CreatedBy = Actor,
            });
        }
    }

    /// <summary>A normally distributed number with mean 0 (Box–Muller).</summary>
    private static double Normal(Random rng, double deviation)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return deviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
