using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace SeQuIn.Benchmarks;

/// <param name="Index">1-based position of the statement in the request.</param>
/// <param name="Summary">The statement's first line, shortened.</param>
/// <param name="PlanTop">The top node of the plan, and the first scan node under it.</param>
public sealed record ExplainResult(int Index, string Summary, double PlanningMs, double ExecutionMs, long Rows, string PlanTop, bool Jit);

/// <summary>EXPLAIN (ANALYZE, BUFFERS) of each captured statement, warm (the third run is kept), written to a text file.</summary>
public static partial class Explain
{
    public static async Task<List<ExplainResult>> RunAsync(string connectionString, IReadOnlyList<CapturedStatement> statements, string outputPath)
    {
        var results = new List<ExplainResult>();
        var text = new StringBuilder();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var i = 0; i < statements.Count; i++)
        {
            var sql = statements[i].WithLiterals();
            var plan = new List<string>();
            for (var run = 0; run < 3; run++)
            {
                plan.Clear();
                await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql, connection) { CommandTimeout = 0 };
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(0));
                }
            }
            text.AppendLine(CultureInfo.InvariantCulture, $"-- Statement {i + 1}").AppendLine(sql + ";").AppendLine();
            foreach (var line in plan)
            {
                text.AppendLine(line);
            }
            text.AppendLine().AppendLine();
            var planning = Number(PlanningPattern(), plan);
            var execution = Number(ExecutionPattern(), plan);
            var rowsMatch = RowsPattern().Match(plan[0]);
            var rows = rowsMatch.Success ? long.Parse(rowsMatch.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            var top = Node(plan[0]);
            var scan = plan.Skip(1).FirstOrDefault(l => l.Contains("Scan", StringComparison.Ordinal));
            results.Add(new ExplainResult(i + 1, Shorten(statements[i].Sql), planning, execution, rows,
                scan is null ? top : $"{top} → {Node(scan)}", plan.Any(l => l.StartsWith("JIT:", StringComparison.Ordinal))));
        }
        await File.WriteAllTextAsync(outputPath, text.ToString());
        return results;
    }

    private static double Number(Regex pattern, List<string> plan)
    {
        foreach (var line in plan)
        {
            var match = pattern.Match(line);
            if (match.Success)
            {
                return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
        return double.NaN;
    }

    /// <summary>"  ->  Index Scan using ix on t a  (cost=...) (actual ...)" → "Index Scan using ix on t a".</summary>
    private static string Node(string line)
    {
        var text = line.Trim();
        if (text.StartsWith("->", StringComparison.Ordinal))
        {
            text = text[2..].Trim();
        }
        var cost = text.IndexOf("  (", StringComparison.Ordinal);
        return cost < 0 ? text : text[..cost];
    }

    public static string Shorten(string sql)
    {
        var flat = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 110 ? flat : flat[..107] + "...";
    }

    [GeneratedRegex(@"Planning Time: ([0-9.]+) ms")]
    private static partial Regex PlanningPattern();

    [GeneratedRegex(@"Execution Time: ([0-9.]+) ms")]
    private static partial Regex ExecutionPattern();

    [GeneratedRegex(@"\(actual time=[0-9.]+\.\.[0-9.]+ rows=(\d+)")]
    private static partial Regex RowsPattern();
}
