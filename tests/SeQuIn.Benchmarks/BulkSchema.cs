using System.Diagnostics;
using Npgsql;

namespace SeQuIn.Benchmarks;

/// <summary>A constraint, index or user trigger as the catalog defines it (pg_get_constraintdef, pg_get_indexdef, pg_get_triggerdef).</summary>
/// <param name="Kind">"constraint p|u|x|f|c|t", "index" or "trigger".</param>
/// <param name="Table">The table it is on (regclass text).</param>
/// <param name="Flags">What the definition does not say: validated, clustered, replica identity, enabled.</param>
public sealed record SchemaObject(string Kind, string Table, string Name, string Definition, string Flags)
{
    public override string ToString() => $"{Kind} {Name} on {Table}: {Definition} [{Flags}]";
}

/// <summary>One timed statement of a bulk load: which phase, which object, how long.</summary>
public sealed record BulkStep(string Phase, string Table, string Name, double Seconds);

/// <summary>
/// PostgreSQL's "Populating a Database" for a set of tables: before the rows go in, drop their foreign keys (and
/// those that reference them), their secondary indexes and, when asked, their primary keys and unique constraints;
/// afterwards recreate every one from the definitions the catalog gave before they were dropped — same names, same
/// definitions, so the schema stays the migrations' — keys and indexes built in one pass each, foreign keys
/// validated by one set-wise check each (ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY), not row by row.
/// Check and NOT NULL constraints stay in place (they cost little per row) and so do triggers.
/// </summary>
public sealed class BulkSchema
{
    private readonly IReadOnlyList<string> _tables;

    private BulkSchema(IReadOnlyList<string> tables, List<SchemaObject> objects, List<Owned> constraints, List<Owned> indexes)
    {
        _tables = tables;
        Objects = objects;
        Constraints = constraints;
        Indexes = indexes;
    }

    /// <summary>Every constraint, index and user trigger on the tables, and every foreign key that references them.</summary>
    public IReadOnlyList<SchemaObject> Objects { get; }

    private List<Owned> Constraints { get; }

    private List<Owned> Indexes { get; }

    /// <param name="Table">regclass text of the table the object is on.</param>
    /// <param name="Quoted">The name as an identifier.</param>
    /// <param name="Type">Constraint type (p, u, x, f, c, t), or for an index the type of the constraint it backs ("" for a plain index).</param>
    /// <param name="Own">On one of the tables (a foreign key may also be on another table and reference one of them).</param>
    private sealed record Owned(string Table, string Quoted, string Type, string Definition, bool Clustered, bool Own = true);

    public static async Task<BulkSchema> CaptureAsync(NpgsqlConnection connection, IReadOnlyList<string> tables)
    {
        var objects = new List<SchemaObject>();
        var constraints = new List<Owned>();
        var indexes = new List<Owned>();
        const string Tables = "(SELECT unnest($1::text[])::regclass)";
        await using (var command = new NpgsqlCommand($"""
            SELECT c.conrelid::regclass::text, c.conname, format('%I', c.conname), c.contype::text, pg_get_constraintdef(c.oid),
                   c.convalidated, c.condeferrable, c.condeferred, c.conrelid IN {Tables}
            FROM pg_constraint c
            WHERE c.conrelid IN {Tables} OR c.confrelid IN {Tables}
            ORDER BY 1, 2
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = tables.ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var (table, name, quoted, type, definition) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4));
                objects.Add(new($"constraint {type}", table, name, definition,
                    $"validated={reader.GetBoolean(5)}, deferrable={reader.GetBoolean(6)}, deferred={reader.GetBoolean(7)}"));
                constraints.Add(new(table, quoted, type, definition, false, reader.GetBoolean(8)));
            }
        }
        await using (var command = new NpgsqlCommand($"""
            SELECT i.indrelid::regclass::text, ic.relname, format('%I', ic.relname), coalesce(k.contype::text, ''), pg_get_indexdef(i.indexrelid),
                   i.indisclustered, i.indisreplident, i.indisvalid, i.indisready, i.indimmediate
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')
            WHERE i.indrelid IN {Tables}
            ORDER BY 1, 2
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = tables.ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var (table, name, quoted, owner, definition) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4));
                var clustered = reader.GetBoolean(5);
                objects.Add(new("index", table, name, definition,
                    $"constraint={(owner.Length == 0 ? "none" : owner)}, clustered={clustered}, replident={reader.GetBoolean(6)}, valid={reader.GetBoolean(7)}, ready={reader.GetBoolean(8)}, immediate={reader.GetBoolean(9)}"));
                indexes.Add(new(table, quoted, owner, definition, clustered));
            }
        }
        await using (var command = new NpgsqlCommand($"""
            SELECT t.tgrelid::regclass::text, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled::text
            FROM pg_trigger t
            WHERE NOT t.tgisinternal AND t.tgrelid IN {Tables}
            ORDER BY 1, 2
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = tables.ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                objects.Add(new("trigger", reader.GetString(0), reader.GetString(1), reader.GetString(2), $"enabled={reader.GetString(3)}"));
            }
        }
        return new BulkSchema(tables, objects, constraints, indexes);
    }

    /// <summary>Drops the foreign keys on and into the tables, their plain indexes, and (<paramref name="keys"/>) their primary keys and unique constraints.</summary>
    public async Task DropAsync(NpgsqlConnection connection, bool keys, List<BulkStep> steps)
    {
        foreach (var fk in Constraints.Where(c => c.Type == "f"))
        {
            await StepAsync(connection, steps, "drop", fk.Table, fk.Quoted, $"ALTER TABLE {fk.Table} DROP CONSTRAINT {fk.Quoted}");
        }
        foreach (var index in Indexes.Where(i => i.Type.Length == 0))
        {
            await StepAsync(connection, steps, "drop", index.Table, index.Quoted, $"DROP INDEX {Schema(index.Table)}{index.Quoted}");
        }
        if (keys)
        {
            foreach (var key in OwnKeys())
            {
                await StepAsync(connection, steps, "drop", key.Table, key.Quoted, $"ALTER TABLE {key.Table} DROP CONSTRAINT {key.Quoted}");
            }
        }
    }

    /// <summary>Builds the primary keys and unique constraints (when they were dropped) and the plain indexes again.</summary>
    public async Task RecreateIndexesAsync(NpgsqlConnection connection, bool keys, List<BulkStep> steps)
    {
        if (keys)
        {
            foreach (var key in OwnKeys())
            {
                await StepAsync(connection, steps, "key", key.Table, key.Quoted, $"ALTER TABLE {key.Table} ADD CONSTRAINT {key.Quoted} {key.Definition}");
            }
        }
        foreach (var index in Indexes.Where(i => i.Type.Length == 0))
        {
            await StepAsync(connection, steps, "index", index.Table, index.Quoted, index.Definition);
        }
        foreach (var index in Indexes.Where(i => i.Clustered && (keys || i.Type.Length == 0)))
        {
            await StepAsync(connection, steps, "index", index.Table, index.Quoted, $"ALTER TABLE {index.Table} CLUSTER ON {index.Quoted}");
        }
    }

    /// <summary>Adds the foreign keys again; each ADD CONSTRAINT validates the whole table with one query.</summary>
    public async Task RecreateForeignKeysAsync(NpgsqlConnection connection, List<BulkStep> steps)
    {
        foreach (var fk in Constraints.Where(c => c.Type == "f"))
        {
            await StepAsync(connection, steps, "foreign key", fk.Table, fk.Quoted, $"ALTER TABLE {fk.Table} ADD CONSTRAINT {fk.Quoted} {fk.Definition}");
        }
    }

    /// <summary>
    /// Reads the catalog again and fails unless every constraint, index and user trigger is back exactly as it was
    /// (names, definitions, flags) and every constraint is validated.
    /// </summary>
    public async Task<int> AssertRestoredAsync(NpgsqlConnection connection)
    {
        var now = await CaptureAsync(connection, _tables);
        var before = Objects.Select(o => o.ToString()).ToHashSet(StringComparer.Ordinal);
        var after = now.Objects.Select(o => o.ToString()).ToHashSet(StringComparer.Ordinal);
        var missing = before.Except(after, StringComparer.Ordinal).ToList();
        var extra = after.Except(before, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            throw new InvalidOperationException($"After the bulk load the schema of {string.Join(", ", _tables)} is not what it was.\n" +
                $"Missing or changed:\n  {string.Join("\n  ", missing)}\nNew or changed:\n  {string.Join("\n  ", extra)}");
        }
        var invalid = now.Objects.Where(o => o.Kind.StartsWith("constraint", StringComparison.Ordinal) && !o.Flags.StartsWith("validated=True", StringComparison.Ordinal)).ToList();
        if (invalid.Count > 0)
        {
            throw new InvalidOperationException("Constraints not validated after the bulk load:\n  " + string.Join("\n  ", invalid));
        }
        return now.Objects.Count;
    }

    private IEnumerable<Owned> OwnKeys() => Constraints.Where(c => c.Type is "p" or "u" or "x" && c.Own);

    /// <summary>DROP INDEX takes the index name, qualified like the table it is on.</summary>
    private static string Schema(string table)
    {
        var dot = table.LastIndexOf('.');
        return dot < 0 ? "" : table[..(dot + 1)];
    }

    private static async Task StepAsync(NpgsqlConnection connection, List<BulkStep> steps, string phase, string table, string name, string sql)
    {
        var clock = Stopwatch.StartNew();
        await Loader.ExecuteAsync(connection, sql);
        steps.Add(new BulkStep(phase, table, name, clock.Elapsed.TotalSeconds));
    }
}
