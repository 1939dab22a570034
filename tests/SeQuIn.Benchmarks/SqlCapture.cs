using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace SeQuIn.Benchmarks;

/// <summary>One statement as PostgreSQL executed it for the service, with its parameter values (null = SQL NULL).</summary>
public sealed partial record CapturedStatement(string Sql, IReadOnlyList<string?> Parameters)
{
    /// <summary>Npgsql's connection reset, sent before a pooled connection is used again (not part of a query).</summary>
    public bool IsReset => Sql.Trim().Equals("DISCARD ALL", StringComparison.OrdinalIgnoreCase);

    /// <summary>The statement with its parameters written in as literals (for EXPLAIN and COPY, which take none).</summary>
    public string WithLiterals() => Placeholder().Replace(Sql, m =>
        Parameters[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) - 1] is { } value ? Quote(value) : "NULL");

    /// <summary>The statement with $n replaced by pgbench variables s{index}p{n}, and their -D definitions.</summary>
    public (string Sql, List<string> Defines) ForPgbench(int index)
    {
        var defines = new List<string>();
        var sql = Placeholder().Replace(Sql, m =>
        {
            var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            if (Parameters[n - 1] is not { } value)
            {
                return "NULL";
            }
            var name = $"s{index}p{n}";
            defines.Add($"{name}={value}");
            return ":" + name;
        });
        return (sql, defines);
    }

    public static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"\$(\d+)\b")]
    private static partial Regex Placeholder();
}

/// <summary>
/// Captures the exact SQL a request makes the service run, from PostgreSQL's own statement log (jsonlog): the
/// server logs every statement for a moment (log_statement = all, reloaded), the request is made, and the
/// statements of the service's connections (by application_name) between two marker statements are read back
/// with their parameter values. Exact by construction: it is what the server executed, including what EF
/// generated and what the authentication handler asked.
/// </summary>
public sealed class SqlCapture(string adminConnectionString, string serviceApplicationName)
{
    public async Task<List<CapturedStatement>> CaptureAsync(Func<Task> request)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        var logFile = await Loader.ScalarAsync<object>(connection, "SELECT pg_current_logfile('jsonlog')") as string
            ?? throw new InvalidOperationException("The server writes no jsonlog: set logging_collector = on and log_destination to include jsonlog.");
        if (!Path.IsPathRooted(logFile))
        {
            logFile = Path.Combine(await Loader.ScalarAsync<string>(connection, "SHOW data_directory"), logFile);
        }
        var marker = Guid.NewGuid().ToString("N");
        await Loader.ExecuteAsync(connection, "ALTER SYSTEM SET log_statement = 'all'");
        await Loader.ExecuteAsync(connection, "SELECT pg_reload_conf()");
        await Task.Delay(500);
        try
        {
            await Loader.ExecuteAsync(connection, $"SELECT 'sequin-capture-begin-{marker}'");
            await request();
            await Task.Delay(50);
            await Loader.ExecuteAsync(connection, $"SELECT 'sequin-capture-end-{marker}'");
        }
        finally
        {
            await Loader.ExecuteAsync(connection, "ALTER SYSTEM RESET log_statement");
            await Loader.ExecuteAsync(connection, "SELECT pg_reload_conf()");
        }

        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (await TryReadAsync(logFile, marker) is { } statements)
            {
                return statements;
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"The end marker of capture {marker} never reached {logFile}.");
    }

    private async Task<List<CapturedStatement>?> TryReadAsync(string logFile, string marker)
    {
        var statements = new List<CapturedStatement>();
        var inside = false;
        await using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.Contains(marker, StringComparison.Ordinal) && !inside)
            {
                continue;
            }
            using var entry = JsonDocument.Parse(line);
            var message = entry.RootElement.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
            if (message.Contains("sequin-capture-begin-" + marker, StringComparison.Ordinal))
            {
                inside = true;
                continue;
            }
            if (message.Contains("sequin-capture-end-" + marker, StringComparison.Ordinal))
            {
                return statements;
            }
            var application = entry.RootElement.TryGetProperty("application_name", out var a) ? a.GetString() : null;
            if (application != serviceApplicationName)
            {
                continue;
            }
            string sql;
            if (message.StartsWith("execute ", StringComparison.Ordinal))
            {
                sql = message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..];
            }
            else if (message.StartsWith("statement: ", StringComparison.Ordinal))
            {
                sql = message["statement: ".Length..];
            }
            else
            {
                continue;
            }
            var detail = entry.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            statements.Add(new CapturedStatement(sql, ParseParameters(detail)));
        }
        return null;
    }

    /// <summary>"parameters: $1 = 'a''b', $2 = NULL" → ["a'b", null].</summary>
    public static List<string?> ParseParameters(string? detail)
    {
        var values = new List<string?>();
        const string prefix = "parameters: ";
        if (detail is null || !detail.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return values;
        }
        var text = detail[prefix.Length..];
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '$')
            {
                throw new FormatException($"Unexpected parameter list: {detail}");
            }
            i = text.IndexOf(" = ", i, StringComparison.Ordinal) + 3;
            if (string.CompareOrdinal(text, i, "NULL", 0, 4) == 0)
            {
                values.Add(null);
                i += 4;
            }
            else
            {
                var value = new StringBuilder();
                i++; // opening quote
                while (true)
                {
                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            value.Append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    value.Append(text[i++]);
                }
                values.Add(value.ToString());
            }
            if (i < text.Length && text[i] == ',')
            {
                i += 2;
            }
        }
        return values;
    }
}
