using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

using SeQuIn.Api.Tests.Infrastructure.Conformance;

namespace SeQuIn.Api.Tests.Contract;

/// <summary>One operation of the committed contract: method, path template, parameters and request body media types.</summary>
public sealed record ContractOperation(string Method, string Path, IReadOnlyList<JsonObject> Parameters, IReadOnlyDictionary<string, JsonNode?> Bodies)
{
    public override string ToString() => $"{Method.ToUpperInvariant()} {Path}";

    public static IReadOnlyList<ContractOperation> All(JsonNode document) =>
        (from path in document["paths"]!.AsObject()
         from operation in path.Value!.AsObject()
         let parameters = ContractDocument.ParametersOf(document, operation.Value!).ToList()
         let bodies = operation.Value!["requestBody"]?["content"]?.AsObject().ToDictionary(c => c.Key, c => c.Value?["schema"]) ??
                      new Dictionary<string, JsonNode?>()
         select new ContractOperation(operation.Key, path.Key, parameters, bodies)).ToList();
}

/// <summary>A request made from the contract, kept as plain data so that CsCheck can print and shrink it.</summary>
public sealed record GeneratedRequest(string Method, string Url, string? ContentType, byte[]? Body, string? Caller,
    IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Url);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }
        if (Caller is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Caller);
        }
        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }

    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 400)) + (Body.Length > 400 ? $"… ({Body.Length} bytes)" : "");
        var url = Url.Length > 400 ? Url[..400] + "…" : Url;
        return $"{Method} {url} [{ContentType}] as {(Caller is null ? "anonymous" : Caller[..Math.Min(12, Caller.Length)])} " +
               $"{string.Join(" ", Headers.Select(h => $"{h.Key}: {h.Value[..Math.Min(40, h.Value.Length)]}"))}\n{body}";
    }
}

/// <summary>Real identifiers and credentials the generator mixes in, so that requests reach past "not found".</summary>
public sealed record FuzzWorld(
    IReadOnlyDictionary<string, IReadOnlyList<string>> IdsByParameter,
    IReadOnlyList<string> Callers,
    IReadOnlyList<string> Codes,
    IReadOnlyList<string> FrameworkIdentifiers,
    IReadOnlyList<string> ETags);

/// <summary>
/// Generates requests for one operation from its schemas. Most values are plausible (the right type, an enum
/// member, an id that exists) so that requests get past the first check; the rest are hostile: nulls, nulls
/// inside arrays, wrong types, boundary lengths and numbers, control characters, lone surrogates and megabyte
/// strings. The size CsCheck shrinks by is the length of the request, so a failure is reported small.
/// </summary>
public sealed class ContractRequestGen(JsonNode document, ContractOperation operation, FuzzWorld world) : Gen<GeneratedRequest>
{
    private static readonly string[] HostileStrings =
    [
        "", " ", "\t", "null", "0", "-1", "1e309", "NaN", "true", "[]", "{}", "\"", "'", "\\", "%", "%00", "%ZZ", "..", "../../etc/passwd",
        "\u0000", "a\u0000b", "\u0007", "\r\n", "\u202Eevil", "\uFEFF", "\uD800", "\uDC00x", "😀😀", "é", "İ", "ß", "\u3000",
        "'; DROP TABLE units; --", "<script>alert(1)</script>", "${jndi:ldap://x}", "{{7*7}}", "*", "?", "#", "&", "=", "+", "/",
        "2026-13", "2026-00", "0000-01", "9999-12", "-2026-01", "2026-1", "2026-01-01", "+2026-01", "2026-01-01T00:00:00Z",
        "00000000-0000-0000-0000-000000000000", "INV", "INV-01", "inv-01", "RAS-01", "ZZZ", "ZZZ-99",
        "943 476 5919", "jo@nhs.net", "dob 01/02/1960", "0113 496 0000",
    ];

    private static readonly string[] Months = ["2026-10", "2026-11", "2026-09", "2025-01", "2024-12", "2099-01", "1900-01", "0001-01", "9999-12", "2026-13", "2026-1", "26-10"];

    private static readonly string[] DateTimes =
        ["2026-10-01T00:00:00Z", "2026-11-30T12:00:00+01:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-02-30T00:00:00Z", "yesterday"];

    private static readonly long[] Integers = [0, 1, 2, 3, 4, 5, 10, 100, 500, 501, 1000, 10_000, -1, -100, int.MaxValue, int.MinValue, long.MaxValue];

    private static readonly double[] Numbers = [0, 0.5, 1, 2.5, 3, 4, 4.0000001, -1, 1e308, -1e308, 5];

    public override GeneratedRequest Generate(PCG pcg, Size? min, out Size size)
    {
        var pick = new Picker(pcg);
        var query = new StringBuilder();
        var headers = new List<KeyValuePair<string, string>>();
        var path = operation.Path;
        foreach (var parameter in operation.Parameters)
        {
            var name = parameter["name"]!.GetValue<string>();
            var schema = Resolve(parameter["schema"]);
            switch (parameter["in"]!.GetValue<string>())
            {
                case "path":
                    path = path.Replace("{" + name + "}", Uri.EscapeDataString(PathValue(pick, name, schema)), StringComparison.Ordinal);
                    break;
                case "query" when parameter["required"]?.GetValue<bool>() == true || pick.Chance(0.5):
                    foreach (var value in QueryValues(pick, name, schema))
                    {
                        query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
                    }
                    break;
                case "header" when pick.Chance(0.3):
                    headers.Add(new(name, pick.Chance(0.5) ? pick.One(world.ETags) : pick.One(HostileStrings)));
                    break;
            }
        }
        if (pick.Chance(0.05))
        {
            query.Append(query.Length == 0 ? '?' : '&').Append("unknownParameter=").Append(Uri.EscapeDataString(pick.One(HostileStrings)));
        }

        if (operation.Method is "put" or "post" or "delete" or "patch")
        {
            if (pick.Chance(0.6))
            {
                headers.Add(new("If-Match", pick.Chance(0.7) ? pick.One(world.ETags) : pick.One(["*", "\"\"", "W/\"1\"", "garbage", "\"1\", \"2\""])));
            }
            if (pick.Chance(0.2))
            {
                headers.Add(new("Idempotency-Key", pick.Chance(0.9) ? "k-" + pick.Next(1000) : new string('k', 201 + pick.Next(200))));
            }
        }

        string? contentType = null;
        byte[]? body = null;
        if (operation.Bodies.Count > 0 && !pick.Chance(0.03))
        {
            (contentType, var schema) = pick.One(operation.Bodies.ToList());
            body = contentType switch
            {
                "application/json" => Encoding.UTF8.GetBytes(pick.Chance(0.03) ? pick.One(["", "{", "nul", "[null]", "\"text\"", "1"]) : (Value(pick, "body", schema, 0)?.ToJsonString() ?? "null")),
                "text/csv" => Encoding.UTF8.GetBytes(Csv(pick)),
                _ => FileBytes(pick),
            };
            if (pick.Chance(0.05))
            {
                contentType = pick.One(["text/plain", "application/xml", "application/json; charset=latin1", "multipart/form-data", "", "application/problem+json"]);
            }
        }

        var caller = pick.Chance(0.04) ? null : pick.Chance(0.03) ? pick.One(["sqn_k_000000000000_" + new string('A', 43), "not a token", "a.b.c"]) : pick.One(world.Callers);
        var request = new GeneratedRequest(operation.Method.ToUpperInvariant(), path + query, contentType, body, caller, headers);
        size = new Size((ulong)(request.Url.Length + (body?.Length ?? 0) * 4 + headers.Count) * 1024 + pick.Weight % 1024);
        return request;
    }

    private JsonNode? Resolve(JsonNode? schema)
    {
        while (schema?["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = document["components"]!["schemas"]![reference.Split('/')[^1]];
        }
        return schema;
    }

    private string PathValue(Picker pick, string name, JsonNode? schema)
    {
        if (name == "identifier")
        {
            return pick.Chance(0.8) ? pick.One(world.FrameworkIdentifiers) : pick.One(HostileSegments);
        }
        if (world.IdsByParameter.TryGetValue(name, out var ids) && pick.Chance(0.75))
        {
            return pick.One(ids);
        }
        if (schema?["format"]?.GetValue<string>() == "uuid")
        {
            return pick.Chance(0.8) ? new Guid(pick.Bytes(16)).ToString() : pick.One(["not-a-uuid", "00000000-0000-0000-0000-000000000000", "1", new string('f', 200)]);
        }
        return pick.Chance(0.7) ? pick.One(world.Codes) : pick.One(HostileSegments) + (pick.Chance(0.1) ? new string('A', 3000) : "");
    }

    /// <summary>
    /// Hostile strings a path segment can carry. "." and ".." are not among them: every client removes such dot-segments
    /// (RFC 3986 §5.2.4) before sending, so they would reach another route, not the one being tried.
    /// </summary>
    private static readonly List<string> HostileSegments = HostileStrings.Where(s => s.Length > 0 && !s.Contains('\0') && s is not ("." or "..")).ToList();

    private IEnumerable<string> QueryValues(Picker pick, string name, JsonNode? schema)
    {
        if (schema?["type"]?.GetValue<string>() == "array")
        {
            var count = pick.Next(4);
            for (var i = 0; i < count; i++)
            {
                yield return Scalar(pick, name, Resolve(schema["items"]));
            }
            yield break;
        }
        yield return Scalar(pick, name, schema);
    }

    private string Scalar(Picker pick, string name, JsonNode? schema) =>
        Value(pick, name, schema, depth: 0) switch
        {
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            null => "",
            var node => node.ToJsonString(),
        };

    /// <summary>A JSON value for a schema: plausible most of the time, hostile otherwise.</summary>
    private JsonNode? Value(Picker pick, string name, JsonNode? schema, int depth)
    {
        schema = Resolve(schema);
        if (pick.Chance(0.08))
        {
            return Hostile(pick, depth);
        }
        if (schema?["enum"] is JsonArray members)
        {
            return pick.Chance(0.9) ? members[pick.Next(members.Count)]?.DeepClone() : JsonValue.Create(pick.One(["", "MEDIUM", "maximum", "Medium "]));
        }
        var type = schema?["type"]?.GetValue<string>();
        var format = schema?["format"]?.GetValue<string>();
        switch (type)
        {
            case "object":
                var result = new JsonObject();
                var required = schema!["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
                foreach (var (property, propertySchema) in schema["properties"]?.AsObject() ?? [])
                {
                    if (required.Contains(property) ? pick.Chance(0.97) : pick.Chance(0.5))
                    {
                        result[property] = Value(pick, property, propertySchema, depth + 1);
                    }
                }
                if (pick.Chance(0.02))
                {
                    result["notInTheContract"] = 1;
                }
                return result;
            case "array":
                var array = new JsonArray();
                var count = pick.Chance(0.1) ? pick.Next(40) : pick.Next(4);
                for (var i = 0; i < count; i++)
                {
                    array.Add(pick.Chance(0.05) ? null : Value(pick, name, schema!["items"], depth + 1));
                }
                return array;
            case "integer":
                return JsonValue.Create(pick.Chance(0.8) && name.Contains("value", StringComparison.OrdinalIgnoreCase) || name.Contains("rating", StringComparison.OrdinalIgnoreCase)
                    ? pick.Next(6) - 1
                    : pick.One(Integers));
            case "number":
                return JsonValue.Create(pick.One(Numbers));
            case "boolean":
                return JsonValue.Create(pick.Chance(0.5));
            default:
                return JsonValue.Create(StringValue(pick, name, format));
        }
    }

    private string StringValue(Picker pick, string name, string? format)
    {
        if (format == "uuid")
        {
            var known = world.IdsByParameter.Where(kv => kv.Key.Equals(name, StringComparison.OrdinalIgnoreCase) || name.EndsWith("Ids", StringComparison.Ordinal))
                .SelectMany(kv => kv.Value).ToList();
            return known.Count > 0 && pick.Chance(0.7) ? pick.One(known) : new Guid(pick.Bytes(16)).ToString();
        }
        if (format == "date-time" || name is "updatedSince")
        {
            return pick.One(DateTimes);
        }
        if (name is "month" or "from" or "to" or "rebaseAt")
        {
            return pick.One(Months);
        }
        if (name.EndsWith("Code", StringComparison.Ordinal) || name is "code" or "identifier" or "frameworkVersion" or "against")
        {
            return pick.Chance(0.8) ? pick.One(world.Codes.Concat(world.FrameworkIdentifiers).ToList()) : pick.One(HostileStrings);
        }
        return pick.Next(10) switch
        {
            < 5 => "Text " + pick.Next(100_000).ToString(CultureInfo.InvariantCulture),
            < 8 => pick.One(HostileStrings),
            8 => new string(pick.One(['x', 'é', ' ', '9', '\u0001']), pick.One([99, 100, 101, 200, 201, 255, 256, 257, 500, 501, 1000, 1001, 2000, 2001, 4000, 4001, 10_000])),
            _ => pick.Chance(0.1) ? "dob" + new string(' ', 200_000) + "x" : new string('9', 5000),
        };
    }

    private JsonNode? Hostile(Picker pick, int depth) => pick.Next(9) switch
    {
        0 or 1 => null,
        2 => JsonValue.Create(pick.One(HostileStrings)),
        3 => JsonValue.Create(pick.One(Integers)),
        4 => JsonValue.Create(pick.One(Numbers)),
        5 => JsonValue.Create(pick.Chance(0.5)),
        6 => new JsonArray([null, JsonValue.Create(1), depth < 3 ? new JsonArray([null]) : null]),
        7 => new JsonObject { ["a"] = null },
        _ => JsonValue.Create(new string('x', pick.One([1000, 70_000]))),
    };

    private string Csv(Picker pick)
    {
        var rowSchema = Resolve(document["components"]!["schemas"]!["ImportRow"]);
        var columns = rowSchema?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? ["unitCode"];
        if (pick.Chance(0.1))
        {
            columns.Add(pick.One(columns));
        }
        if (pick.Chance(0.1))
        {
            columns.RemoveAt(pick.Next(columns.Count));
        }
        var csv = new StringBuilder(string.Join(pick.Chance(0.05) ? ";" : ",", columns)).Append('\n');
        var rows = pick.Next(5);
        for (var r = 0; r < rows; r++)
        {
            var cells = columns.Select(c => Scalar(pick, c, Resolve(rowSchema?["properties"]?[c]))).Select(v => v.Contains(',') || v.Contains('"') || v.Contains('\n')
                ? "\"" + v.Replace("\"", "\"\"") + "\"" : v).ToList();
            if (pick.Chance(0.1))
            {
                cells.Add("extra");
            }
            csv.Append(string.Join(',', cells)).Append(pick.Chance(0.1) ? "\r\n" : "\n");
        }
        if (pick.Chance(0.05))
        {
            csv.Append("\"unterminated");
        }
        return csv.ToString();
    }

    private static byte[] FileBytes(Picker pick) => pick.Next(6) switch
    {
        0 => "%PDF-1.7 minutes of the community meeting"u8.ToArray(),
        1 => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0],
        2 => "Minutes: service users chaired the meeting."u8.ToArray(),
        3 => [],
        4 => pick.Bytes(1 + pick.Next(2000)),
        _ => Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"),
    };
}

/// <summary>Choices drawn from CsCheck's random stream; the sum of choices made is part of the shrink size.</summary>
internal sealed class Picker(PCG pcg)
{
    public ulong Weight { get; private set; }

    public int Next(int exclusiveMax)
    {
        var value = (int)pcg.Next((uint)Math.Max(1, exclusiveMax));
        Weight += (ulong)value;
        return value;
    }

    public bool Chance(double probability) => pcg.Next(1_000_000) < probability * 1_000_000;

    public T One<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            bytes[i] = (byte)pcg.Next(256);
        }
        return bytes;
    }
}
