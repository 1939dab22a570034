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
    ProviderSector Sector, bool AllowRanks, Guid? ActiveVersionId, DateOnly? Month);

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
               COALESCE($2, (SELECT max(x.month) FROM area_results x WHERE x.unit_id = $1))
        FROM units u JOIN providers p ON p.id = u.provider_id JOIN networks n ON n.id = u.network_id
        WHERE u.id = $1
        """;

    private const string MonthSql = "COALESCE($2, (SELECT max(x.month) FROM area_results x WHERE x.unit_id = $1))";

    /// <summary>The rows of the unit's comparison group (alias r), as recorded at submission; the unit is $1.</summary>
    private static string GroupFilter(ComparisonGroup group) => group switch
    {
        ComparisonGroup.Network => "r.network_id = (SELECT g.network_id FROM units g WHERE g.id = $1)",
        ComparisonGroup.SecurityLevel => "r.security_level = (SELECT g.security_level FROM units g WHERE g.id = $1)",
        ComparisonGroup.Sector => "r.sector = (SELECT q.sector FROM units g JOIN providers q ON q.id = g.provider_id WHERE g.id = $1)",
        ComparisonGroup.Collaborative => "r.collaborative_id = (SELECT g.collaborative_id FROM units g WHERE g.id = $1)",
        _ => "TRUE",
    };

    // Every unit of the month, whatever group was asked for: a figure is only safe to show if no combination of
    // the groups the caller can ask for singles a unit out (ADR 0009), and that needs them all. Ordered by value,
    // so that Statistics need not sort.
    // A caller who sees the whole asked group needs only that group (the first read); the month's every unit is read
    // only when some of the group is hidden from it (no group: "TRUE"). Built once per group, not per request.
    private static string AreaPeersSql(string filter) => $"""
        SELECT r.area_code, r.unit_id, r.network_id, r.collaborative_id, r.security_level, r.sector, r.mean, n.publish_summaries
        FROM area_results r JOIN networks n ON n.id = r.network_id
        WHERE r.month = {MonthSql} AND r.mean IS NOT NULL AND {filter}
        ORDER BY r.mean
        """;

    private static string StandardPeersSql(string filter) => $"""
        SELECT r.standard_code, r.unit_id, r.network_id, r.collaborative_id, r.security_level, r.sector, r.value::numeric, n.publish_summaries
        FROM standard_results r JOIN networks n ON n.id = r.network_id
        WHERE r.month = {MonthSql} AND r.area_code = $3 AND r.value IS NOT NULL AND {filter}
        ORDER BY r.value
        """;

    private static readonly Dictionary<ComparisonGroup, string> AreaGroupSql = Enum.GetValues<ComparisonGroup>().ToDictionary(g => g, g => AreaPeersSql(GroupFilter(g)));
    private static readonly string AreaEveryUnitSql = AreaPeersSql("TRUE");
    private static readonly Dictionary<ComparisonGroup, string> StandardGroupSql = Enum.GetValues<ComparisonGroup>().ToDictionary(g => g, g => StandardPeersSql(GroupFilter(g)));
    private static readonly string StandardEveryUnitSql = StandardPeersSql("TRUE");

    // $2 from, $3 area code, $4 to; built once per group, not per request. A trend shows the group's median only, which is not a linear figure: the asked group is enough.
    private static readonly Dictionary<ComparisonGroup, string> TrendPeersSql = Enum.GetValues<ComparisonGroup>().ToDictionary(g => g, g => $"""
        SELECT r.month, r.unit_id, r.network_id, r.collaborative_id, r.security_level, r.sector, r.mean, n.publish_summaries
        FROM area_results r JOIN networks n ON n.id = r.network_id
        WHERE r.area_code = $3 AND r.month BETWEEN $2 AND $4 AND r.mean IS NOT NULL AND {GroupFilter(g)}
        ORDER BY r.mean
        """);

    private const string OwnAreasSql = $"""
        SELECT r.area_code, r.month, r.mean, r.percentage FROM area_results r
        WHERE r.unit_id = $1 AND r.month IN ({MonthSql}, ({MonthSql} - interval '1 month')::date)
        """;

    private const string OwnStandardsSql = $"""
        SELECT r.standard_code, r.month, r.value::numeric, NULL::numeric FROM standard_results r
        WHERE r.unit_id = $1 AND r.area_code = $3 AND r.month IN ({MonthSql}, ({MonthSql} - interval '1 month')::date)
        """;

    private const string OwnTrendSql = """
        SELECT r.month, r.month, r.mean, r.percentage, r.framework_identifier FROM area_results r
        WHERE r.unit_id = $1 AND r.area_code = $3 AND r.month BETWEEN $2 AND $4
        """;

    /// <summary>A unit's areas for a month (or its latest) and the area scores of its group's units that month (every unit's, with no group).</summary>
    public static Task<BenchmarkRead<string>> AreasAsync(SeQuInDbContext db, Guid unitId, DateOnly? month, ComparisonGroup? group, CancellationToken ct) =>
        ReadAsync<string>(db, [unitId, month], OwnAreasSql, group is { } g ? AreaGroupSql[g] : AreaEveryUnitSql, ct);

    /// <summary>A unit's standards of one area for a month (or its latest) and its group's (every unit's, with no group) ratings; not-applicable left out.</summary>
    public static Task<BenchmarkRead<string>> StandardsAsync(SeQuInDbContext db, Guid unitId, DateOnly? month, string areaCode, ComparisonGroup? group,
        CancellationToken ct) =>
        ReadAsync<string>(db, [unitId, month, areaCode], OwnStandardsSql, group is { } g ? StandardGroupSql[g] : StandardEveryUnitSql, ct);

    /// <summary>A unit's monthly area scores over a range and its group's scores per month.</summary>
    public static Task<BenchmarkRead<DateOnly>> TrendAsync(SeQuInDbContext db, Guid unitId, DateOnly from, DateOnly to, string areaCode,
        ComparisonGroup group, CancellationToken ct) =>
        ReadAsync<DateOnly>(db, [unitId, from, areaCode, to], OwnTrendSql, TrendPeersSql[group], ct);

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
                Nullable<Guid>(reader, 6), Nullable<DateOnly>(reader, 7));
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
            list.Add(new Contributor(unitId, network, Nullable<Guid>(reader, 3), Enums<SecurityLevel>.Parse(reader.GetString(4)),
                Enums<ProviderSector>.Parse(reader.GetString(5)), reader.GetDecimal(6)));
            if (reader.GetBoolean(7))
            {
                publishing.Add(network);
            }
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
