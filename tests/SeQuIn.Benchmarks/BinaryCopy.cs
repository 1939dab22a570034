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
    private readonly Action<CopyEncoder, T> _encodeRow;

    private CopyPlan(string table, IReadOnlyList<string> columns, Action<NpgsqlBinaryImporter, T> writeRow, Action<CopyEncoder, T> encodeRow)
    {
        Table = table;
        Columns = columns;
        _writeRow = writeRow;
        _encodeRow = encodeRow;
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
        var encoder = Expression.Parameter(typeof(CopyEncoder), "encoder");
        var properties = entityType.GetProperties().ToList();
        var encodeBody = new List<Expression> { Expression.Call(encoder, typeof(CopyEncoder).GetMethod(nameof(CopyEncoder.StartRow))!, Expression.Constant((short)properties.Count)) };
        var columns = new List<string>();
        foreach (var property in properties)
        {
            var column = property.GetColumnName(table) ?? throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} has no column.");
            var info = property.PropertyInfo ?? throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} is a shadow property.");
            columns.Add(Quote(column));
            var storeType = StoreTypeName(property.GetColumnType());
            body.Add(WriteColumn(importer, Expression.Property(row, info), info.PropertyType, property.GetTypeMapping().Converter, storeType));
            encodeBody.Add(EncodeColumn(encoder, Expression.Property(row, info), info.PropertyType, property.GetTypeMapping().Converter, storeType,
                $"{typeof(T).Name}.{property.Name}"));
        }
        var writeRow = Expression.Lambda<Action<NpgsqlBinaryImporter, T>>(Expression.Block(body), importer, row).Compile();
        var encodeRow = Expression.Lambda<Action<CopyEncoder, T>>(Expression.Block(encodeBody), encoder, row).Compile();
        var qualified = table.Schema is null ? Quote(table.Name) : $"{Quote(table.Schema)}.{Quote(table.Name)}";
        return new CopyPlan<T>(qualified, columns, writeRow, encodeRow);
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

    /// <summary>
    /// The rows in PostgreSQL's binary COPY format (header, rows, trailer), in memory: what <see cref="Write"/> sends,
    /// encoded in advance so that a timed COPY only streams bytes (<see cref="EncodedCopy.Send"/>).
    /// </summary>
    public EncodedCopy Encode(IEnumerable<T> rows)
    {
        var encoder = new CopyEncoder();
        foreach (var row in rows)
        {
            _encodeRow(encoder, row);
        }
        return encoder.Finish();
    }

    /// <summary>
    /// Proves the encoder right against Npgsql and PostgreSQL: the sample is written with <see cref="Write"/> into a
    /// temporary table and read back with COPY … TO STDOUT (FORMAT BINARY); the bytes must equal <see cref="Encode"/>'s.
    /// </summary>
    public async Task VerifyEncodingAsync(NpgsqlConnection connection, IReadOnlyList<T> sample)
    {
        const string Check = "bench_encoding_check";
        // A heap does not keep insertion order (a later row may fill an earlier page): an identity column, filled as
        // COPY reads the rows, puts them back in order.
        await Loader.ExecuteAsync(connection, $"DROP TABLE IF EXISTS {Check}; CREATE TEMP TABLE {Check} (LIKE {Table}); " +
                                              $"ALTER TABLE {Check} ADD COLUMN bench_row bigint GENERATED ALWAYS AS IDENTITY");
        Write(connection, sample, Check);
        byte[] server;
        using (var output = new MemoryStream())
        {
            await using (var stream = await connection.BeginRawBinaryCopyAsync($"COPY (SELECT {string.Join(", ", Columns)} FROM {Check} ORDER BY bench_row) TO STDOUT (FORMAT BINARY)"))
            {
                await stream.CopyToAsync(output);
            }
            server = output.ToArray();
        }
        await Loader.ExecuteAsync(connection, $"DROP TABLE {Check}");
        var mine = Encode(sample).ToArray();
        var length = Math.Min(mine.Length, server.Length);
        var first = 0;
        while (first < length && mine[first] == server[first])
        {
            first++;
        }
        if (first < length || mine.Length != server.Length)
        {

            throw new InvalidOperationException($"The binary COPY encoding of {Table} differs from what Npgsql writes and PostgreSQL reads back: " +
                $"{mine.Length} bytes against {server.Length}, first difference at byte {first}.");
        }
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

    private static Expression EncodeColumn(ParameterExpression encoder, Expression value, Type type, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? converter,
        string storeType, string what)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        Expression nonNull = underlying is not null ? Expression.Property(value, "Value") : value;
        if (converter is not null)
        {
            if (nonNull.Type != converter.ModelClrType)
            {
                nonNull = Expression.Convert(nonNull, converter.ModelClrType);
            }
            nonNull = Expression.Invoke(converter.ConvertToProviderExpression, nonNull);
        }
        var method = CopyEncoder.MethodFor(nonNull.Type, storeType)
            ?? throw new NotSupportedException($"{what}: the binary COPY encoder has no writer for {nonNull.Type.Name} as {storeType}; add one to CopyEncoder.");
        var write = Expression.Call(encoder, method, nonNull);
        if (underlying is null && type.IsValueType)
        {
            return write;
        }
        var writeNull = Expression.Call(encoder, typeof(CopyEncoder).GetMethod(nameof(CopyEncoder.WriteNull))!);
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

/// <summary>
/// Writes rows in PostgreSQL's binary COPY format (https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4)
/// into chunks in memory, with the wire encodings Npgsql uses for the store types the data set has. Anything else is
/// refused when the plan is built; <see cref="CopyPlan{T}.VerifyEncodingAsync"/> compares the bytes with Npgsql's.
/// </summary>
public sealed class CopyEncoder
{
    private const int ChunkSize = 1 << 20;
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
    /// <summary>PostgreSQL's epoch for date and timestamp: 2000-01-01.</summary>
    private static readonly int DateEpochDayNumber = new DateOnly(2000, 1, 1).DayNumber;
    private static readonly long TimestampEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly List<ArraySegment<byte>> _chunks = [];
    private byte[] _current = new byte[ChunkSize];
    private int _position;
    private long _rows;

    public CopyEncoder()
    {
        Header.CopyTo(_current, 0);
        _position = Header.Length;
    }

    internal static System.Reflection.MethodInfo? MethodFor(Type type, string storeType)
    {
        var name = (type, storeType) switch
        {
            _ when type == typeof(Guid) && storeType == "uuid" => nameof(WriteUuid),
            _ when type == typeof(string) && storeType is "character varying" or "text" => nameof(WriteText),
            _ when type == typeof(int) && storeType == "integer" => nameof(WriteInt32),
            _ when type == typeof(bool) && storeType == "boolean" => nameof(WriteBoolean),
            _ when type == typeof(DateOnly) && storeType == "date" => nameof(WriteDate),
            _ when type == typeof(DateTimeOffset) && storeType == "timestamp with time zone" => nameof(WriteTimestampTz),
            _ => null,
        };
        return name is null ? null : typeof(CopyEncoder).GetMethod(name);
    }

    public void StartRow(short fields)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(Reserve(2), fields);
        _position += 2;
        _rows++;
    }

    public void WriteNull() => Int32(-1);

    public void WriteUuid(Guid value)
    {
        var span = Reserve(20);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span, 16);
        value.TryWriteBytes(span[4..], bigEndian: true, out _);
        _position += 20;
    }

    public void WriteText(string value)
    {
        var span = Reserve(4 + System.Text.Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = System.Text.Encoding.UTF8.GetBytes(value, span[4..]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span, length);
        _position += 4 + length;
    }

    public void WriteInt32(int value)
    {
        Int32(4);
        Int32(value);
    }

    public void WriteBoolean(bool value)
    {
        var span = Reserve(5);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = value ? (byte)1 : (byte)0;
        _position += 5;
    }

    public void WriteDate(DateOnly value)
    {
        // Npgsql writes DateOnly.MinValue/MaxValue as -infinity/infinity; the data set has neither.
        if (value == DateOnly.MinValue || value == DateOnly.MaxValue)
        {
            throw new NotSupportedException("Infinite dates are not encoded.");
        }
        Int32(4);
        Int32(value.DayNumber - DateEpochDayNumber);
    }

    public void WriteTimestampTz(DateTimeOffset value)
    {
        // As Npgsql: timestamptz takes only UTC values, MinValue/MaxValue would be infinities.
        if (value.Offset != TimeSpan.Zero || value == DateTimeOffset.MinValue || value == DateTimeOffset.MaxValue)
        {
            throw new NotSupportedException($"Only finite UTC values are encoded as timestamptz ({value:O}).");
        }
        var span = Reserve(12);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span, 8);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(span[4..], (value.UtcTicks - TimestampEpochTicks) / TimeSpan.TicksPerMicrosecond);
        _position += 12;
    }

    /// <summary>Appends the trailer and hands the chunks over; the encoder is not used afterwards.</summary>
    public EncodedCopy Finish()
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(Reserve(2), -1);
        _position += 2;
        _chunks.Add(new ArraySegment<byte>(_current, 0, _position));
        _current = [];
        return new EncodedCopy(_chunks, _rows);
    }

    private void Int32(int value)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
        _position += 4;
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_position + bytes > _current.Length)
        {
            _chunks.Add(new ArraySegment<byte>(_current, 0, _position));
            _current = new byte[Math.Max(ChunkSize, bytes)];
            _position = 0;
        }
        return _current.AsSpan(_position);
    }
}

/// <summary>Rows already encoded for binary COPY: streamed as they are with <see cref="NpgsqlConnection.BeginRawBinaryCopy"/>.</summary>
public sealed class EncodedCopy(List<ArraySegment<byte>> chunks, long rows)
{
    public long Rows { get; } = rows;

    public long Bytes { get; } = chunks.Sum(c => (long)c.Count);

    /// <summary>One COPY … FROM STDIN (FORMAT BINARY …) on the connection, in its current transaction if any.</summary>
    public void Send(NpgsqlConnection connection, string copyCommand)
    {
        using var stream = connection.BeginRawBinaryCopy(copyCommand);
        foreach (var chunk in chunks)
        {
            stream.Write(chunk.Array!, chunk.Offset, chunk.Count);
        }
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Bytes];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.AsSpan().CopyTo(bytes.AsSpan(offset));
            offset += chunk.Count;
        }
        return bytes;
    }
}
