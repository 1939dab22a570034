using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Benchmarks;

/// <summary>
/// The national-scale data set: 20 networks of 15 units (5 medium secure, 10 low secure), three providers per
/// network (two NHS trusts and one independent provider, five units each), four provider collaboratives of five
/// networks each, and 120 months of submitted assessments of every area of the active framework version by every
/// unit: 300 × 120 × 12 = 432,000 assessments and 4,320,000 standard ratings. Values come from a fixed seed.
/// </summary>
public static class Dataset
{
    public const string Actor = "system:benchmark";
    public const int Networks = 20;
    public const int UnitsPerNetwork = 15;
    public const int MediumPerNetwork = 5;
    public const int CollaborativeCount = 4;
    public const int Months = 120;
    private const int Seed = 20_261_126;

    public static string NetworkCode(int network) => $"BN{network:00}";

    public static string UnitCode(int network, int position) =>
        position < MediumPerNetwork ? $"BN{network:00}-M{position + 1:00}" : $"BN{network:00}-L{position - MediumPerNetwork + 1:00}";

    /// <summary>The last month of history is the month before the current one; the current month is left free for submissions.</summary>
    public static DateOnly LastMonth(DateTimeOffset now) => new DateOnly(now.Year, now.Month, 1).AddMonths(-1);

    public static DateOnly FirstMonth(DateTimeOffset now) => LastMonth(now).AddMonths(-(Months - 1));

    public sealed record Framework(FrameworkVersion Version, IReadOnlyList<Area> Areas, int Min, int Max);

    public static async Task<Framework> ActiveFrameworkAsync(SeQuInDbContext db)
    {
        var version = await db.FrameworkVersions.AsNoTracking().SingleAsync(v => v.Status == FrameworkStatus.Active);
        var scale = await db.ScalePoints.AsNoTracking().Where(p => p.FrameworkVersionId == version.Id).Select(p => p.Value).ToListAsync();
        var areas = (await db.Areas.AsNoTracking().Where(a => a.FrameworkVersionId == version.Id).Include(a => a.Standards).ToListAsync())
            .OrderBy(a => a.Order).ThenBy(a => a.Code, StringComparer.Ordinal).ToList();
        foreach (var area in areas)
        {
            area.Standards = [.. area.Standards.OrderBy(s => s.Order).ThenBy(s => s.Code, StringComparer.Ordinal)];
        }
        return new Framework(version, areas, scale.Min(), scale.Max());
    }

    /// <summary>Networks, providers, collaboratives and units, written with EF (a few hundred rows).</summary>
    public static async Task<List<Unit>> CreateOrganisationsAsync(SeQuInDbContext db, DateTimeOffset now, int networks = Networks)
    {
        var collaboratives = Enumerable.Range(1, CollaborativeCount)
            .Select(c => new Collaborative { Code = $"BPC{c}", Name = $"Benchmark Provider Collaborative {c}", CreatedAt = now, UpdatedAt = now })
            .ToList();
        db.Collaboratives.AddRange(collaboratives);
        var units = new List<Unit>();
        for (var n = 1; n <= networks; n++)
        {
            var region = (n - 1) * CollaborativeCount / networks;
            var network = new Network
            {
                Code = NetworkCode(n),
                Name = $"Benchmark Involvement Network {n:00}",
                Region = $"Region {region + 1}",
                AllowRanks = n % 4 == 0,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Networks.Add(network);
            Provider NewProvider(string suffix, ProviderSector sector) => new()
            {
                Code = $"BN{n:00}-{suffix}",
                Name = sector == ProviderSector.Nhs ? $"Network {n:00} Trust {suffix} NHS Foundation Trust" : $"Network {n:00} Secure Care Ltd",
                Sector = sector,
                CreatedAt = now,
                UpdatedAt = now,
            };
            Provider[] providers = [NewProvider("NHS1", ProviderSector.Nhs), NewProvider("NHS2", ProviderSector.Nhs), NewProvider("IND1", ProviderSector.Independent)];
            db.Providers.AddRange(providers);
            for (var position = 0; position < UnitsPerNetwork; position++)
            {
                var medium = position < MediumPerNetwork;
                units.Add(new Unit
                {
                    Code = UnitCode(n, position),
                    Name = $"Network {n:00} {(medium ? "Medium" : "Low")} Secure Unit {position + 1}",
                    SecurityLevel = medium ? SecurityLevel.Medium : SecurityLevel.Low,
                    ProviderId = providers[position % providers.Length].Id,
                    NetworkId = network.Id,
                    CollaborativeId = collaboratives[region].Id,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }
        }
        db.Units.AddRange(units);
        await db.SaveChangesAsync();
        return units;
    }

    public sealed class Batch
    {
        public List<Assessment> Assessments { get; } = [];
        public List<Participant> Participants { get; } = [];
        public List<Rating> Ratings { get; } = [];
    }

    private static readonly string[] Reasons =
    [
        "Not relevant to this unit's service model.",
        "No opportunity to meet this standard arose this month.",
    ];

    /// <summary>
    /// Submitted assessments of every area for every unit and month. Each unit has a level and a slope, each area
    /// and standard an offset, each rating some noise; 2% of ratings are not applicable (with a reason); staff and
    /// service-user views differ by a point on 15% of ratings. Submitted in the first ten days of the next month.
    /// </summary>
    public static Batch Generate(IReadOnlyList<Unit> units, Framework framework, IReadOnlyList<DateOnly> months, DateTimeOffset now, int seed = Seed) =>
        GenerateChunks(units, framework, months, now, int.MaxValue, seed).Single();

    /// <summary>
    /// The same rows as <see cref="Generate"/>, from the same random sequence, handed out <paramref name="unitsPerChunk"/>
    /// units at a time: the scale runs (up to 69 million ratings) never hold more than one chunk in memory.
    /// </summary>
    public static IEnumerable<Batch> GenerateChunks(IReadOnlyList<Unit> units, Framework framework, IReadOnlyList<DateOnly> months, DateTimeOffset now,
        int unitsPerChunk, int seed = Seed)
    {
        var rng = new Random(seed);
        var (version, areas, min, max) = framework;
        var batch = new Batch();
        var unitsInBatch = 0;
        var standards = areas.SelectMany(a => a.Standards).ToList();
        var areaOffset = areas.ToDictionary(a => a.Code, _ => Normal(rng, 0.35), StringComparer.Ordinal);
        var standardOffset = standards.ToDictionary(s => s.Code, _ => Normal(rng, 0.3), StringComparer.Ordinal);
        var span = max - min;
        foreach (var unit in units.OrderBy(u => u.Code, StringComparer.Ordinal))
        {
            if (unitsInBatch == unitsPerChunk)
            {
                yield return batch;
                (batch, unitsInBatch) = (new Batch(), 0);
            }
            unitsInBatch++;
            var level = min + span * (0.3 + 0.4 * rng.NextDouble());
            var slope = Normal(rng, 0.6) / Math.Max(1, months.Count);
            var unitArea = areas.ToDictionary(a => a.Code, _ => Normal(rng, 0.3), StringComparer.Ordinal);
            for (var m = 0; m < months.Count; m++)
            {
                var month = months[m];
                foreach (var area in areas)
                {
                    var areaLevel = level + slope * m + areaOffset[area.Code] + unitArea[area.Code];
                    var created = new DateTimeOffset(month.Year, month.Month, 1 + rng.Next(27), 9 + rng.Next(8), rng.Next(60), rng.Next(60), TimeSpan.Zero);
                    var submitted = new DateTimeOffset(month.Year, month.Month, 1, 9 + rng.Next(8), rng.Next(60), rng.Next(60), TimeSpan.Zero)
                        .AddMonths(1).AddDays(rng.Next(10));
                    if (submitted >= now)
                    {
                        submitted = created.AddHours(1);
                    }
                    var assessment = new Assessment
                    {
                        UnitId = unit.Id,
                        NetworkId = unit.NetworkId,
                        FrameworkVersionId = version.Id,
                        FrameworkIdentifier = version.Identifier,
                        AreaId = area.Id,
                        AreaCode = area.Code,
                        Month = month,
                        Status = AssessmentStatus.Submitted,
                        Imported = false,
                        CreatedAt = created,
                        CreatedBy = Actor,
                        UpdatedAt = submitted,
                        SubmittedAt = submitted,
                        SubmittedBy = Actor,
                        SortKey = Submission.SortKey(month, unit.Id, area.Code),
                        Revision = 1,
                    };
                    var sum = 0;
                    var applicable = 0;
                    var first = batch.Ratings.Count;
                    foreach (var standard in area.Standards)
                    {
                        var notApplicable = version.AllowNotApplicable && rng.NextDouble() < 0.02;
                        var value = Math.Clamp((int)Math.Round(areaLevel + standardOffset[standard.Code] + Normal(rng, 0.6), MidpointRounding.AwayFromZero), min, max);
                        var (staff, serviceUser) = (value, value);
                        if (rng.NextDouble() < 0.15)
                        {
                            var other = Math.Clamp(value + (rng.NextDouble() < 0.6 ? 1 : -1), min, max);
                            (staff, serviceUser) = rng.NextDouble() < 0.5 ? (value, other) : (other, value);
                        }
                        batch.Ratings.Add(new Rating
                        {
                            AssessmentId = assessment.Id,
                            StandardCode = standard.Code,
                            StandardId = standard.Id,
                            Value = notApplicable ? null : value,
                            NotApplicable = notApplicable,
                            NotApplicableReason = notApplicable ? Reasons[rng.Next(Reasons.Length)] : null,
                            StaffView = notApplicable ? null : staff,
                            ServiceUserView = notApplicable ? null : serviceUser,
                        });
                        if (!notApplicable)
                        {
                            sum += value;
                            applicable++;
                        }
                    }
                    if (applicable == 0)
                    {
                        // Every standard not applicable: rate the first, as a submission requires one rating at least.
                        var rating = batch.Ratings[first];
                        var value = Math.Clamp((int)Math.Round(areaLevel, MidpointRounding.AwayFromZero), min, max);
                        (rating.Value, rating.NotApplicable, rating.NotApplicableReason, rating.StaffView, rating.ServiceUserView) = (value, false, null, value, value);
                        (sum, applicable) = (value, 1);
                    }
                    assessment.AgreedRating = (int)Math.Round((double)sum / applicable, MidpointRounding.AwayFromZero);
                    batch.Assessments.Add(assessment);
                    batch.Participants.Add(new Participant { AssessmentId = assessment.Id, Role = ParticipantRole.Staff, Label = "Ward staff" });
                    batch.Participants.Add(new Participant { AssessmentId = assessment.Id, Role = ParticipantRole.ServiceUser, Label = "SU rep" });
                }
            }
        }
        yield return batch;
    }

    public static IReadOnlyList<DateOnly> MonthRange(DateOnly first, int count) => Enumerable.Range(0, count).Select(first.AddMonths).ToList();

    public static string Format(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static double Normal(Random rng, double deviation)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return deviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
