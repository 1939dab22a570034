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
/// person: participants are roles with generic labels, and reasons and evidence are about services.
/// </remarks>
public static class DemoHistory
{
    public const string Actor = "system:demo";
    public const int MonthsOfHistory = 24;

    private const int Seed = 20_210_601;
    /// <summary>Levels below are on the 0–4 scale of the first framework and mapped onto the version's own scale.</summary>
    private const double ReferenceTop = 4.0;

    private enum Trajectory
    {
        Steady,
        Improving,
        Declining,
        Volatile,
        StepChange,
    }

    /// <param name="Level">The unit's typical rating on the 0–4 reference scale.</param>
    /// <param name="Disagreement">Share of ratings where staff and service users were one point apart.</param>
    /// <param name="MissRate">Share of area-months the unit did not assess.</param>
    /// <param name="BestPractice">How many standards the unit holds at the top of the scale.</param>
    private sealed record UnitProfile(double Level, Trajectory Trajectory, double Disagreement, double MissRate, int BestPractice);

    /// <summary>By unit position (medium secure first, then low, each by code); cycled for larger networks.</summary>
    private static readonly UnitProfile[] Profiles =
    [
        new(2.6, Trajectory.Improving, 0.12, 0.02, 1),
        new(3.2, Trajectory.Steady, 0.10, 0.01, 4),
        new(2.0, Trajectory.StepChange, 0.18, 0.04, 0),
        new(2.5, Trajectory.Declining, 0.22, 0.05, 0),
        new(1.4, Trajectory.Improving, 0.16, 0.07, 0),
        new(3.0, Trajectory.Steady, 0.08, 0.02, 3),
        new(1.3, Trajectory.Steady, 0.20, 0.08, 0),
        new(2.2, Trajectory.Volatile, 0.28, 0.06, 0),
        new(1.8, Trajectory.StepChange, 0.14, 0.03, 0),
        new(2.8, Trajectory.Declining, 0.12, 0.03, 1),
        new(2.0, Trajectory.Steady, 0.10, 0.04, 0),
        new(1.6, Trajectory.Volatile, 0.30, 0.06, 0),
        new(2.4, Trajectory.Improving, 0.12, 0.03, 1),
        new(3.1, Trajectory.Steady, 0.06, 0.01, 3),
        new(2.3, Trajectory.StepChange, 0.15, 0.04, 0),
    ];

    /// <summary>The unit (by position) that misses one whole month, and which month of the history.</summary>
    private const int UnitMissingAMonth = 11;
    private const int MonthMissed = 14;

    private static readonly Dictionary<string, double> AreaOffsets = new(StringComparer.Ordinal)
    {
        ["INV"] = 0.3,
        ["RPW"] = 0.0,
        ["RCO"] = -0.7,
        ["RRP"] = -0.2,
        ["CPA"] = 0.3,
        ["FFC"] = -0.3,
        ["MDT"] = 0.2,
        ["DHW"] = 0.1,
        ["MAC"] = 0.1,
        ["SRA"] = -0.1,
        ["RAS"] = -0.1,
        ["TEC"] = -0.9,
    };

    /// <summary>Standards that most units rate at or near the bottom: the network's gaps in provision.</summary>
    private static readonly string[] GapStandards = ["TEC-03", "TEC-07", "RCO-05", "FFC-08"];
    private const double GapOffset = -1.3;
    /// <summary>The first gap closes over the last months, after a network-wide project.</summary>
    private const int GapProjectMonth = 18;

    private static readonly string[] StaffLabels =
        ["Ward staff", "Ward manager", "Staff nurse", "Occupational therapist", "Activity coordinator", "Healthcare assistant", "Psychologist", "Involvement lead"];
    private static readonly string[] ServiceUserLabels = ["SU rep", "Ward SU rep", "Community meeting rep", "Peer supporter", "SU council member"];
    private static readonly string[] AdvocateLabels = ["Independent advocate", "Advocate"];
    private static readonly string[] CarerLabels = ["Carer rep", "Family member"];

    private static readonly string[] GenericReasons =
    [
        "Not relevant to this unit's service model.",
        "No opportunity to meet this standard arose this month.",
        "The activity this standard covers was paused this month.",
    ];

    private static readonly Dictionary<string, string> AreaReasons = new(StringComparer.Ordinal)
    {
        ["INV"] = "No involvement meeting was scheduled this month.",
        ["RPW"] = "No one was moving between stages of the pathway this month.",
        ["RCO"] = "No recovery college courses were running this term.",
        ["RRP"] = "No restrictive practice incidents to review this month.",
        ["CPA"] = "No CPA reviews were due this month.",
        ["FFC"] = "No visits or carer events took place this month.",
        ["MDT"] = "MDT meetings ran in a reduced format this month.",
        ["DHW"] = "Menus are set by an external caterer and were not reviewed this month.",
        ["MAC"] = "Off-ward activities were suspended for building work.",
        ["SRA"] = "No risk assessments were due for review this month.",
        ["RAS"] = "No recruitment took place this month.",
        ["TEC"] = "The unit does not yet have the equipment this standard assumes.",
    };

    private sealed record EvidenceTemplate(EvidenceKind Kind, string Title, string Description);

    private static readonly EvidenceTemplate[] GenericEvidence =
    [
        new(EvidenceKind.Minutes, "Involvement group minutes", "Minutes of the involvement group, with actions agreed by staff and service users."),
        new(EvidenceKind.Document, "Service-user feedback summary", "Anonymised summary of service-user feedback collected this month."),
        new(EvidenceKind.Observation, "Peer review visit notes", "Notes from a peer review visit by another unit in the network."),
    ];

    private static readonly Dictionary<string, EvidenceTemplate[]> AreaEvidence = new(StringComparer.Ordinal)
    {
        ["INV"] =
        [
            new(EvidenceKind.Minutes, "Community meeting minutes", "Minutes of the weekly community meeting, chaired by a service user, with actions and who owns them."),
            new(EvidenceKind.Document, "You said, we did board", "Record of service-user suggestions and what the ward did in response, updated monthly."),
            new(EvidenceKind.Document, "Involvement strategy review", "Co-produced review of the unit's involvement strategy, signed off by the involvement group."),
        ],
        ["RPW"] =
        [
            new(EvidenceKind.Document, "Co-produced recovery plans audit", "Audit of recovery plans showing service users' own words and goals in each plan."),
            new(EvidenceKind.Conversation, "Pathway feedback session", "Notes from a feedback session on moving through the pathway, led by a peer supporter."),
            new(EvidenceKind.Document, "Pathway outcomes review", "Summary of pathway outcomes reviewed jointly with service users."),
        ],
        ["RCO"] =
        [
            new(EvidenceKind.Document, "Recovery college prospectus", "Current term prospectus, with courses co-delivered by peer trainers and staff."),
            new(EvidenceKind.Document, "Course attendance and feedback summary", "Attendance figures and anonymised course feedback for the term."),
            new(EvidenceKind.Observation, "Co-facilitated session observation", "Observation of a recovery college session co-facilitated by a peer trainer."),
        ],
        ["RRP"] =
        [
            new(EvidenceKind.Minutes, "Restrictive practice reduction group minutes", "Minutes of the monthly group where service users and staff review blanket restrictions."),
            new(EvidenceKind.Policy, "Blanket restrictions review", "Reviewed list of blanket restrictions, with the reason each one was kept or lifted."),
            new(EvidenceKind.Document, "Post-incident debrief template", "Debrief template co-designed with service users and used after incidents."),
        ],
        ["CPA"] =
        [
            new(EvidenceKind.Document, "CPA preparation booklet", "Easy-read booklet service users complete with staff before their CPA meeting."),
            new(EvidenceKind.Document, "CPA feedback audit", "Audit of service users' feedback on how involved they felt in their CPA review."),
            new(EvidenceKind.Conversation, "CPA pre-meeting notes", "Notes of pre-meetings where service users set the agenda for their CPA review, with no personal details."),
        ],
        ["FFC"] =
        [
            new(EvidenceKind.Document, "Carers' information pack", "Information pack for carers and families, reviewed with the carers' forum."),
            new(EvidenceKind.Minutes, "Carers' forum minutes", "Minutes of the quarterly carers' forum, with actions for the ward."),
            new(EvidenceKind.Document, "Family visiting arrangements", "Visiting arrangements agreed with service users and carers, including video calls."),
        ],
        ["MDT"] =
        [
            new(EvidenceKind.Document, "Ward round preparation form", "Form service users use to bring their own questions and views to ward round."),
            new(EvidenceKind.Observation, "MDT meeting observation", "Observation of an MDT meeting by a service-user representative, with feedback."),
            new(EvidenceKind.Document, "MDT experience survey", "Anonymised survey of service users' experience of MDT meetings."),
        ],
        ["DHW"] =
        [
            new(EvidenceKind.Minutes, "Food forum minutes", "Minutes of the food forum where service users review menus with catering staff."),
            new(EvidenceKind.Document, "Co-produced menu", "Seasonal menu designed with service users, with healthy options marked."),
            new(EvidenceKind.Document, "Healthy weight group programme", "Programme of the healthy weight group, co-run by a dietitian and a peer supporter."),
        ],
        ["MAC"] =
        [
            new(EvidenceKind.Document, "Co-produced activity timetable", "Weekly activity timetable planned with service users at the community meeting."),
            new(EvidenceKind.Document, "Activity participation summary", "Summary of meaningful activity offered and taken up across the ward."),
            new(EvidenceKind.Observation, "Garden project review", "Review of the ward's garden project, run with service users."),
        ],
        ["SRA"] =
        [
            new(EvidenceKind.Document, "Shared risk assessment audit", "Audit showing service users' views recorded in their risk assessments."),
            new(EvidenceKind.Document, "Safety plan template", "Safety plan template written with service users in plain language."),
            new(EvidenceKind.Conversation, "Risk formulation session notes", "Notes of joint risk formulation sessions, with no personal details."),
        ],
        ["RAS"] =
        [
            new(EvidenceKind.Document, "Interview panel scoring sheets", "Anonymised scoring sheets from interviews with a service user on the panel."),
            new(EvidenceKind.Document, "Service-user interview question bank", "Interview questions written by service users for staff recruitment."),
            new(EvidenceKind.Document, "Panel training log", "Log of recruitment and selection training completed by service-user panel members."),
        ],
        ["TEC"] =
        [
            new(EvidenceKind.Policy, "Digital access policy", "Policy on service users' access to the internet and devices, reviewed with service users."),
            new(EvidenceKind.Document, "Digital skills session plan", "Plan for digital skills sessions run by staff and a peer supporter."),
            new(EvidenceKind.Observation, "Video call facilities check", "Check of the video calling facilities service users have for keeping in touch."),
        ],
    };

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
        var rng = new Random(Seed);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var first = thisMonth.AddMonths(-MonthsOfHistory);
        var last = MonthsOfHistory - 1;
        var toScale = (max - min) / ReferenceTop;
        var standards = areas.SelectMany(a => a.Standards).ToList();
        var allowNotApplicable = version.AllowNotApplicable;

        // Network-wide character of areas and standards.
        var areaOffset = areas.ToDictionary(a => a.Code, a => AreaOffsets.TryGetValue(a.Code, out var o) ? o : Normal(rng, 0.2), StringComparer.Ordinal);
        var standardOffset = standards.ToDictionary(s => s.Code, _ => Normal(rng, 0.25), StringComparer.Ordinal);
        var gaps = GapStandards.Where(standardOffset.ContainsKey).ToList();
        if (gaps.Count == 0)
        {
            gaps = [.. standards.OrderBy(_ => rng.Next()).Take(Math.Min(3, standards.Count)).Select(s => s.Code)];
        }

        var assessments = new List<Assessment>(units.Count * areas.Count * MonthsOfHistory);
        for (var u = 0; u < units.Count; u++)
        {
            var unit = units[u];
            var profile = Profiles[u % Profiles.Length];

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
                var wholeMonthMissed = u == UnitMissingAMonth && m == MonthMissed;

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
                            level += code == gaps[0] && m >= GapProjectMonth
                                ? GapOffset * (1 - 0.7 * (m - GapProjectMonth + 1) / (MonthsOfHistory - GapProjectMonth))
                                : GapOffset;
                        }
                        if (bestPractice.Contains(code))
                        {
                            level += 1.8;
                        }
                        var value = Math.Clamp((int)Math.Round(min + level * toScale, MidpointRounding.AwayFromZero), min, max);

                        var chance = rng.NextDouble();
                        var notApplicable = allowNotApplicable && (usuallyNotApplicable.Contains(code) ? chance < 0.75 : chance < 0.02);
                        var reason = rng.NextDouble() < 0.6 && AreaReasons.TryGetValue(area.Code, out var areaReason)
                            ? areaReason
                            : GenericReasons[rng.Next(GenericReasons.Length)];
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
            Label = StaffLabels[rng.Next(StaffLabels.Length)],
        });
        assessment.Participants.Add(new Participant
        {
            AssessmentId = assessment.Id,
            Role = ParticipantRole.ServiceUser,
            Label = ServiceUserLabels[rng.Next(ServiceUserLabels.Length)],
        });
        if (rng.NextDouble() < 0.12)
        {
            var advocate = rng.NextDouble() < 0.6;
            var labels = advocate ? AdvocateLabels : CarerLabels;
            assessment.Participants.Add(new Participant
            {
                AssessmentId = assessment.Id,
                Role = advocate ? ParticipantRole.Advocate : ParticipantRole.CarerOrFamilyMember,
                Label = labels[rng.Next(labels.Length)],
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
        var templates = AreaEvidence.TryGetValue(areaCode, out var forArea) ? forArea : GenericEvidence;
        var count = Math.Min(rng.NextDouble() < 0.7 ? 1 : 2, Math.Min(candidates.Count, templates.Length));
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
