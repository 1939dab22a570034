using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using SeQuIn.Api.Data;

namespace SeQuIn.Benchmarks;

/// <summary>
/// Binary COPY of entity rows, the way the service's DemoHistory loads its demo: table, columns, store types and
/// value conversions (enums stored by name) come from the service's EF model, so the data set follows the schema
/// as it evolves. Unlike DemoHistory, which reads every value by reflection and boxes it, each entity type gets a
/// compiled row writer that calls the typed <see cref="NpgsqlBinaryImporter.Write{T}(T, string)"/>: at millions of
/// rows the client must not be what is measured.
/// </summary>
public sealed class CopyPlan<T>
{
    private readonly Action<NpgsqlBinaryImporter, T> _writeRow;

    private CopyPlan(string table, IReadOnlyList<string> columns, Action<NpgsqlBinaryImporter, T> writeRow)
    {
        Table = table;
        Columns = columns;
        _writeRow = writeRow;
    }

    /// <summary>The entity's table, quoted (and schema-qualified when it has a schema).</summary>
    public string Table { get; }

    public IReadOnlyList<string> Columns { get; }

    public static CopyPlan<T> From(SeQuInDbContext db)
    {
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var importer = Expression.Parameter(typeof(NpgsqlBinaryImporter), "importer");
        var row = Expression.Parameter(typeof(T), "row");
        var body = new List<Expression> { Expression.Call(importer, typeof(NpgsqlBinaryImporter).GetMethod(nameof(NpgsqlBinaryImporter.StartRow), Type.EmptyTypes)!) };
        var columns = new List<string>();
        foreach (var property in entityType.GetProperties())
        {
            var column = property.GetColumnName(table) ?? throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} has no column.");
            var info = property.PropertyInfo ?? throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} is a shadow property.");
            columns.Add(Quote(column));
            body.Add(WriteColumn(importer, Expression.Property(row, info), info.PropertyType, property.GetTypeMapping().Converter,
                StoreTypeName(property.GetColumnType())));
        }
        var writeRow = Expression.Lambda<Action<NpgsqlBinaryImporter, T>>(Expression.Block(body), importer, row).Compile();
        var qualified = table.Schema is null ? Quote(table.Name) : $"{Quote(table.Schema)}.{Quote(table.Name)}";
        return new CopyPlan<T>(qualified, columns, writeRow);
    }

    /// <summary>COPY ... FROM STDIN (FORMAT BINARY) into the entity's table, or into another with the same columns.</summary>
    public string CopyCommand(string? intoTable = null) =>
        $"COPY {intoTable ?? Table} ({string.Join(", ", Columns)}) FROM STDIN (FORMAT BINARY)";

    /// <summary>Writes the rows with one COPY on the connection (in its current transaction, if any).</summary>
    public long Write(NpgsqlConnection connection, IEnumerable<T> rows, string? intoTable = null)
    {
        using var writer = connection.BeginBinaryImport(CopyCommand(intoTable));
        foreach (var row in rows)
        {
            _writeRow(writer, row);
        }
        return (long)writer.Complete();
    }

    private static Expression WriteColumn(ParameterExpression importer, Expression value, Type type, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? converter,
        string storeType)
    {
        var storeTypeConstant = Expression.Constant(storeType);
        if (converter is null)
        {
            return WriteTyped(importer, value, type, storeTypeConstant);
        }
        // EF converters work on the non-nullable model type: unwrap, convert, and write null for null.
        var underlying = Nullable.GetUnderlyingType(type);
        var nonNull = underlying is not null ? Expression.Property(value, "Value") : value;
        if (nonNull.Type != converter.ModelClrType)
        {
            nonNull = Expression.Convert(nonNull, converter.ModelClrType);
        }
        var converted = Expression.Invoke(converter.ConvertToProviderExpression, nonNull);
        var write = WriteTyped(importer, converted, converter.ProviderClrType, storeTypeConstant);
        if (underlying is null && type.IsValueType)
        {
            return write;
        }
        var writeNull = Expression.Call(importer, typeof(NpgsqlBinaryImporter).GetMethod(nameof(NpgsqlBinaryImporter.WriteNull), Type.EmptyTypes)!);
        return Expression.IfThenElse(Expression.Equal(value, Expression.Constant(null, type)), writeNull, write);
    }

    private static MethodCallExpression WriteTyped(ParameterExpression importer, Expression value, Type type, ConstantExpression storeType)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        var helper = underlying is not null ? (nameof(CopyWriters.Nullable), underlying)
            : type.IsValueType ? (nameof(CopyWriters.Value), type)
            : (nameof(CopyWriters.Reference), type);
        var method = typeof(CopyWriters).GetMethod(helper.Item1, BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(helper.Item2);
        return Expression.Call(method, importer, value, storeType);
    }

    /// <summary>"character varying(20)" is written as "character varying": the length is the column's to enforce.</summary>
    private static string StoreTypeName(string storeType)
    {
        var parenthesis = storeType.IndexOf('(', StringComparison.Ordinal);
        return parenthesis < 0 ? storeType : storeType[..parenthesis].TrimEnd();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>Typed writes the compiled row writers call: no boxing, nulls written as NULL.</summary>
public static class CopyWriters
{
    public static void Value<TValue>(NpgsqlBinaryImporter importer, TValue value, string storeType) where TValue : struct =>
        importer.Write(value, storeType);

    public static void Nullable<TValue>(NpgsqlBinaryImporter importer, TValue? value, string storeType) where TValue : struct
    {
        if (value.HasValue)
        {
            importer.Write(value.GetValueOrDefault(), storeType);
        }
        else
        {
            importer.WriteNull();
        }
    }

    public static void Reference<TValue>(NpgsqlBinaryImporter importer, TValue? value, string storeType) where TValue : class
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, storeType);
        }
    }
}
