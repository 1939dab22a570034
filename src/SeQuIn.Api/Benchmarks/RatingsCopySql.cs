using System.Globalization;
using SeQuIn.Api.Assessments;

namespace SeQuIn.Api.Benchmarks;

/// <summary>The SQL of the ratings export: which columns the binary COPY sends, and which rows.</summary>
internal static class RatingsCopySql
{
    /// <summary>The columns COPY sends, in the order <see cref="RatingsCsvRows"/> reads them.</summary>
    /// <remarks>
    /// The area's agreed rating, mean and confirmation come from its area result, joined by its primary key; the mean
    /// as text (PostgreSQL's binary numeric is digit groups the writer would have to decode; its text is the CSV's).
    /// </remarks>
    internal const string Columns = "s.unit_id, s.network_id, s.collaborative_id, s.sector, s.security_level, s.month, " +
                                    "s.framework_identifier, s.area_code, s.standard_code, s.value, s.not_applicable, s.submitted_at, s.assessment_id, " +
                                    "a.agreed_rating, a.mean::text, s.staff_view, s.service_user_view, a.confirmation";

    /// <summary>How many <see cref="Columns"/> there are: every row of the COPY has this many fields.</summary>
    internal const int FieldCount = 18;

    /// <summary>
    /// The COPY statement of the export. COPY takes no parameters, so every filter value is written in as a literal
    /// the service formats itself: uuids, dates and a timestamp; unit codes are resolved to unit ids through the
    /// lookups (as the join on the unit's current code did); area codes, the only free text, as escaped string
    /// constants (E'…', which PostgreSQL reads the same whatever standard_conforming_strings says); transaction ids as
    /// xid8 literals of the numbers the service holds.
    /// </summary>
    internal static string Build(RatingScope scope, ExportQuery query, ExportWindow window, ExportLookups lookups)
    {
        var conditions = new List<string>();
        if (!scope.All)
        {
            var reach = new List<string>();
            if (scope.Networks.Length > 0)
            {
                reach.Add($"s.network_id = ANY({UuidArray(scope.Networks)})");
            }
            if (scope.Collaboratives.Length > 0)
            {
                reach.Add($"s.collaborative_id = ANY({UuidArray(scope.Collaboratives)})");
            }
            conditions.Add(reach.Count == 0 ? "false" : $"({string.Join(" OR ", reach)})");
        }
        if (query.from is not null)
        {
            conditions.Add($"s.month >= {DateLiteral(Months.Parse(query.from))}");
        }
        if (query.to is not null)
        {
            conditions.Add($"s.month <= {DateLiteral(Months.Parse(query.to))}");
        }
        if (query.unitCode is { Length: > 0 })
        {
            var units = lookups.UnitIds(query.unitCode);
            conditions.Add(units.Length == 0 ? "false" : $"s.unit_id = ANY({UuidArray(units)})");
        }
        if (query.areaCode is { Length: > 0 })
        {
            // The validator has refused control characters (NUL among them), so every code is a valid text literal.
            var areas = query.areaCode.Distinct(StringComparer.Ordinal);
            conditions.Add($"s.area_code IN ({string.Join(", ", areas.Select(StringLiteral))})");
        }
        if (query.confirmedOnly == true)
        {
            conditions.Add("a.confirmation = 'Agreed'");
        }
        if (query.updatedSince is { } since)
        {
            conditions.Add($"s.submitted_at >= {TimestampLiteral(since)}");
        }
        if (window.From is { } from)
        {
            conditions.Add($"s.transaction_id >= {XidLiteral(from)}");
        }
        if (window.Below is { } below)
        {
            conditions.Add($"s.transaction_id < {XidLiteral(below)}");
        }
        // A whole stream needs no order: sorting 4.3 million rows spilled to disk and took seconds (measured).
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        return $"COPY (SELECT {Columns} FROM standard_results s LEFT JOIN area_results a ON a.assessment_id = s.assessment_id{where}) TO STDOUT (FORMAT BINARY)";
    }

    private static string UuidArray(IEnumerable<Guid> ids) =>
        "'{" + string.Join(",", ids.Distinct().Select(id => id.ToString("D"))) + "}'::uuid[]";

    private static string XidLiteral(ulong transaction) => "'" + transaction.ToString(CultureInfo.InvariantCulture) + "'::xid8";

    private static string DateLiteral(DateOnly date) => "'" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'::date";

    /// <summary>To the microsecond, truncated as Npgsql truncates a DateTimeOffset parameter.</summary>
    internal static string TimestampLiteral(DateTimeOffset since)
    {
        var microseconds = (since.UtcTicks - BinaryCopy.PostgresEpochTicks) / 10;
        var utc = new DateTime(BinaryCopy.PostgresEpochTicks + microseconds * 10, DateTimeKind.Utc);
        return "'" + utc.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00'::timestamptz";
    }

    internal static string StringLiteral(string value) =>
        "E'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

}
