using System.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SeQuIn.Api.Data;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Benchmarks;

/// <summary>A unit as benchmarks see it: its groupings now, its network's rank setting and the resolved month.</summary>
/// <param name="ActiveVersionId">The framework version active now.</param>
/// <param name="Month">The month asked for, or the latest the unit submitted (null when it never has).</param>
public sealed record UnitFacts(Guid Id, string Code, Guid NetworkId, Guid? CollaborativeId, SecurityLevel SecurityLevel,
    ProviderSector Sector, bool AllowRanks, Guid? ActiveVersionId, DateOnly? Month, Guid ProviderId);

/// <summary>The unit's own figure for one key (area, standard or month) and month.</summary>
/// <param name="Framework">The framework version the figure was rated against (trends only).</param>
public readonly record struct OwnFigure<TKey>(TKey Key, DateOnly Month, decimal? Value, decimal? Percentage, string? Framework = null);

/// <summary>
/// What one benchmark request reads: the unit, its own figures and, per key, the contributors to the figures
/// (every unit nationally for a month's areas and standards, so that disclosure control can weigh every group the
/// caller could ask for; the asked group for a trend), and which networks publish their summaries.
/// </summary>
public sealed record BenchmarkRead<TKey>(UnitFacts? Unit, List<OwnFigure<TKey>> Own, Dictionary<TKey, List<Contributor>> Peers,
    HashSet<Guid> PublishingNetworks) where TKey : notnull;

/// <summary>
/// The benchmark reads, as hand-written SQL over the trigger-maintained summaries sent in ONE round trip (an
/// <see cref="NpgsqlBatch"/> of three statements: the unit, its own figures, the contributors to its figures in value order, so
/// that <see cref="Statistics"/> need not sort them). These are the service's hottest reads; building them with LINQ cost more CPU in the
/// service than PostgreSQL spent answering them (ADR 0008). The unit's groupings are looked up inside the SQL, so
/// nothing waits for a first answer; visibility is decided by the caller from the unit row before anything else is
/// used. The statistics stay in the pure <see cref="Statistics"/>.
/// </summary>
public static class BenchmarkReads
{
    // $1 unit id, $2 month (null = the unit's latest submitted month).
    private const string UnitSql = """
        SELECT u.code, u.network_id, u.collaborative_id, u.security_level, p.sector, n.allow_ranks,
               (SELECT f.id FROM framework_versions f WHERE f.status = 'Active'),
               COALESCE($2, (SELECT max(x.month) FROM area_results x WHERE x.unit_id = $1)), u.provider_id
        FROM units u JOIN providers p ON p.id = u.provider_id JOIN networks n ON n.id = u.network_id
        WHERE u.id = $1
        """;

    private const string MonthSql = "COALESCE($2, (SELECT max(x.month) FROM area_results x WHERE x.unit_id = $1))";

    /// <summary>
    /// The rows of the unit's comparison group (alias r), as recorded at submission; the unit is $1. Standard results
    /// carry no provider: their provider is their area result's (<paramref name="provider"/>, joined by its key).
    /// </summary>
    private static string GroupFilter(ComparisonGroup group, string provider = "r.provider_id") => group switch
    {
        ComparisonGroup.Network => "r.network_id = (SELECT g.network_id FROM units g WHERE g.id = $1)",
        ComparisonGroup.SecurityLevel => "r.security_level = (SELECT g.security_level FROM units g WHERE g.id = $1)",
        ComparisonGroup.Sector => "r.sector = (SELECT q.sector FROM units g JOIN providers q ON q.id = g.provider_id WHERE g.id = $1)",
        ComparisonGroup.Collaborative => "r.collaborative_id = (SELECT g.collaborative_id FROM units g WHERE g.id = $1)",
        ComparisonGroup.Provider => $"{provider} = (SELECT g.provider_id FROM units g WHERE g.id = $1)",
        _ => "TRUE",
    };

    /// <summary>An area's figure in area_results (alias r): the mean of its standards, or the agreed overall rating.</summary>
    private static string Value(AreaFigure figure) => figure == AreaFigure.Agreed ? "r.agreed_rating::numeric" : "r.mean";

    /// <summary>
    /// The figure as a percentage of the scale of the version it was rated against; the mean's is stored, the agreed
    /// rating's is worked out the same way (0 to 100 between the scale's lowest and highest points, 1 decimal).
    /// </summary>
    private static string Percentage(AreaFigure figure) => figure == AreaFigure.Agreed
        ? """
          (SELECT round((r.agreed_rating - min(p.value)) * 100.0 / nullif(max(p.value) - min(p.value), 0), 1)
           FROM framework_versions f JOIN scale_points p ON p.framework_version_id = f.id WHERE f.identifier = r.framework_identifier)
          """
        : "r.percentage";

    private const string Confirmed = "(r.confirmation IS NOT DISTINCT FROM 'Agreed')";

    // Every unit of the month, whatever group was asked for: a figure is only safe to show if no combination of
    // the groups the caller can ask for singles a unit out (ADR 0009), and that needs them all. Ordered by value,
    // so that Statistics need not sort. Confirmed or not, every row is read: the confirmedOnly filter is a group of
    // its own, weighed with the unfiltered ones (ADR 0032), and applied by the group key.
    // A caller who sees the whole asked group needs only that group (the first read); the month's every unit is read
    // only when some of the group is hidden from it (no group: "TRUE"). Built once per group and figure, not per request.
    private static string AreaPeersSql(string filter, AreaFigure figure) => $"""
        SELECT r.area_code, r.unit_id, r.network_id, r.collaborative_id, r.security_level, r.sector, {Value(figure)}, n.publish_summaries,
               r.provider_id, {Confirmed}
        FROM area_results r JOIN networks n ON n.id = r.network_id
        WHERE r.month = {MonthSql} AND {Value(figure)} IS NOT NULL AND {filter}
        ORDER BY {Value(figure)}
        """;

    private static string StandardPeersSql(string filter) => $"""
        SELECT r.standard_code, r.unit_id, r.network_id, r.collaborative_id, r.security_level, r.sector, r.value::numeric, n.publish_summaries,
               a.provider_id, (a.confirmation IS NOT DISTINCT FROM 'Agreed')
        FROM standard_results r JOIN networks n ON n.id = r.network_id JOIN area_results a ON a.assessment_id = r.assessment_id
        WHERE r.month = {MonthSql} AND r.area_code = $3 AND r.value IS NOT NULL AND {filter}
        ORDER BY r.value
        """;

    private static readonly AreaFigure[] Figures = Enum.GetValues<AreaFigure>();
    private static readonly bool[] Filters = [false, true];

    private static readonly Dictionary<(ComparisonGroup?, AreaFigure), string> AreaPeers = Enum.GetValues<ComparisonGroup>().Select(g => (ComparisonGroup?)g)
        .Append(null).SelectMany(g => Figures.Select(f => (g, f))).ToDictionary(k => k, k => AreaPeersSql(k.g is { } g ? GroupFilter(g) : "TRUE", k.f));
    private static readonly Dictionary<ComparisonGroup, string> StandardGroupSql = Enum.GetValues<ComparisonGroup>()
        .ToDictionary(g => g, g => StandardPeersSql(GroupFilter(g, "a.provider_id")));
    private static readonly string StandardEveryUnitSql = StandardPeersSql("TRUE");

    // $2 from, $3 area code, $4 to; built once per group and figure, not per request. A trend shows the group's median only, which is not a linear figure: the asked group is enough.
    private static readonly Dictionary<(ComparisonGroup, AreaFigure), string> TrendPeersSql = Enum.GetValues<ComparisonGroup>()
        .SelectMany(g => Figures.Select(f => (g, f))).ToDictionary(k => k, k => $"""
        SELECT r.month, r.unit_id, r.network_id, r.collaborative_id, r.security_level, r.sector, {Value(k.f)}, n.publish_summaries,
               r.provider_id, {Confirmed}
        FROM area_results r JOIN networks n ON n.id = r.network_id
        WHERE r.area_code = $3 AND r.month BETWEEN $2 AND $4 AND {Value(k.f)} IS NOT NULL AND {GroupFilter(k.g)}
        ORDER BY {Value(k.f)}
        """);

    // With confirmedOnly the unit's own figures count only its confirmed submissions too: the answer is the month as if
    // no other submission had been made.
    private static readonly Dictionary<(AreaFigure, bool), string> OwnAreasSql = Figures.SelectMany(f => Filters.Select(c => (f, c)))
        .ToDictionary(k => k, k => $"""
        SELECT r.area_code, r.month, {Value(k.f)}, {Percentage(k.f)} FROM area_results r
        WHERE r.unit_id = $1 AND r.month IN ({MonthSql}, ({MonthSql} - interval '1 month')::date){(k.c ? $" AND {Confirmed}" : "")}
        """);

    private static readonly Dictionary<bool, string> OwnStandardsSql = Filters.ToDictionary(c => c, c => $"""
        SELECT r.standard_code, r.month, r.value::numeric, NULL::numeric FROM standard_results r
        WHERE r.unit_id = $1 AND r.area_code = $3 AND r.month IN ({MonthSql}, ({MonthSql} - interval '1 month')::date){(c
            ? " AND EXISTS (SELECT 1 FROM area_results a WHERE a.assessment_id = r.assessment_id AND a.confirmation = 'Agreed')" : "")}
        """);

    private static readonly Dictionary<(AreaFigure, bool), string> OwnTrendSql = Figures.SelectMany(f => Filters.Select(c => (f, c)))
        .ToDictionary(k => k, k => $"""
        SELECT r.month, r.month, {Value(k.f)}, {Percentage(k.f)}, r.framework_identifier FROM area_results r
        WHERE r.unit_id = $1 AND r.area_code = $3 AND r.month BETWEEN $2 AND $4{(k.c ? $" AND {Confirmed}" : "")}
        """);

    /// <summary>A unit's areas for a month (or its latest) and the area figures of its group's units that month (every unit's, with no group).</summary>
    public static Task<BenchmarkRead<string>> AreasAsync(SeQuInDbContext db, Guid unitId, DateOnly? month, ComparisonGroup? group, CancellationToken ct,
        AreaFigure figure = AreaFigure.Mean, bool confirmedOnly = false) =>
        ReadAsync<string>(db, [unitId, month], OwnAreasSql[(figure, confirmedOnly)], AreaPeers[(group, figure)], ct);

    /// <summary>A unit's standards of one area for a month (or its latest) and its group's (every unit's, with no group) ratings; not-applicable left out.</summary>
    public static Task<BenchmarkRead<string>> StandardsAsync(SeQuInDbContext db, Guid unitId, DateOnly? month, string areaCode, ComparisonGroup? group,
        CancellationToken ct, bool confirmedOnly = false) =>
        ReadAsync<string>(db, [unitId, month, areaCode], OwnStandardsSql[confirmedOnly], group is { } g ? StandardGroupSql[g] : StandardEveryUnitSql, ct);

    /// <summary>A unit's monthly area figures over a range and its group's figures per month.</summary>
    public static Task<BenchmarkRead<DateOnly>> TrendAsync(SeQuInDbContext db, Guid unitId, DateOnly from, DateOnly to, string areaCode,
        ComparisonGroup group, CancellationToken ct, AreaFigure figure = AreaFigure.Mean, bool confirmedOnly = false) =>
        ReadAsync<DateOnly>(db, [unitId, from, areaCode, to], OwnTrendSql[(figure, confirmedOnly)], TrendPeersSql[(group, figure)], ct);

    private static async Task<BenchmarkRead<TKey>> ReadAsync<TKey>(SeQuInDbContext db, object?[] values, string ownSql, string peersSql,
        CancellationToken ct)
        where TKey : notnull
    {
        // EF opens the connection and closes it when the (pooled) context is returned.
        await db.Database.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection())
        {
            BatchCommands = { Command(UnitSql, values.AsSpan(0, 2)), Command(ownSql, values), Command(peersSql, values) },
        };
        await using var reader = await batch.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        UnitFacts? unit = null;
        if (await reader.ReadAsync(ct))
        {
            unit = new UnitFacts((Guid)values[0]!, reader.GetString(0), reader.GetGuid(1), Nullable<Guid>(reader, 2),
                Enums<SecurityLevel>.Parse(reader.GetString(3)), Enums<ProviderSector>.Parse(reader.GetString(4)), reader.GetBoolean(5),
                Nullable<Guid>(reader, 6), Nullable<DateOnly>(reader, 7), reader.GetGuid(8));
        }
        var own = new List<OwnFigure<TKey>>();
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            own.Add(new OwnFigure<TKey>(reader.GetFieldValue<TKey>(0), reader.GetFieldValue<DateOnly>(1), Nullable<decimal>(reader, 2),
                Nullable<decimal>(reader, 3), reader.FieldCount > 4 && !reader.IsDBNull(4) ? reader.GetString(4) : null));
        }
        var peers = new Dictionary<TKey, List<Contributor>>();
        var publishing = new HashSet<Guid>();
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = reader.GetFieldValue<TKey>(0);
            if (!peers.TryGetValue(key, out var list))
            {
                peers[key] = list = [];
            }
            // Sequential access: columns in order.
            var unitId = reader.GetGuid(1);
            var network = reader.GetGuid(2);
            var collaborative = Nullable<Guid>(reader, 3);
            var level = Enums<SecurityLevel>.Parse(reader.GetString(4));
            var sector = Enums<ProviderSector>.Parse(reader.GetString(5));
            var value = reader.GetDecimal(6);
            if (reader.GetBoolean(7))
            {
                publishing.Add(network);
            }
            list.Add(new Contributor(unitId, network, collaborative, level, sector, value, reader.GetGuid(8), reader.GetBoolean(9)));
        }
        return new BenchmarkRead<TKey>(unit, own, peers, publishing);
    }

    private static NpgsqlBatchCommand Command(string sql, ReadOnlySpan<object?> values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                Guid id => new NpgsqlParameter<Guid> { TypedValue = id },
                DateOnly month => new NpgsqlParameter<DateOnly> { TypedValue = month },
                string text => new NpgsqlParameter<string> { TypedValue = text },
                _ => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date },
            });
        }
        return command;
    }

    private static T? Nullable<T>(NpgsqlDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    /// <summary>Enum names as stored (EF's string conversion), parsed once per distinct name.</summary>
    private static class Enums<T> where T : struct, Enum
    {
        private static readonly Dictionary<string, T> Names = Enum.GetValues<T>().ToDictionary(v => v.ToString(), StringComparer.Ordinal);

        public static T Parse(string name) => Names.TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException($"'{name}' is not a stored {typeof(T).Name}.");
    }
}
