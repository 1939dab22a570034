extern alias JsonEverything;

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using JsonEverything::Json.Schema;

namespace SeQuIn.Api.Tests.Infrastructure.Conformance;

/// <summary>
/// Checks one HTTP exchange against the contract, as a strict generated client would read it: the operation exists,
/// the status is declared, the media type is one declared for that status, required headers are there, headers the
/// service's clients act on are declared (and match their schema), request headers with a meaning are declared
/// parameters, and a JSON body validates against the declared schema.
/// </summary>
public static class ResponseConformance
{
    /// <summary>Endpoints outside the contract: the contract itself and its UI.</summary>
    // Outside the contract by design: the live Swagger document, and the reference page with the committed contract it shows.
    public static readonly string[] ExemptPrefixes = ["/swagger", "/docs", "/openapi"];

    /// <summary>Response headers a client acts on: when the service sends one, the contract must declare it for that answer.</summary>
    public static readonly string[] MeaningfulResponseHeaders =
        ["ETag", "Location", "Retry-After", "WWW-Authenticate", "Idempotent-Replayed", "Deprecation", "Sunset",
         "SeQuIn-Write-Position", "SeQuIn-Read-Source"];

    /// <summary>
    /// Answers that only a request header can cause, and that header: the operation must declare it as a parameter,
    /// or a generated client cannot send it. (Tests send some headers everywhere, so a header sent is not enough.)
    /// </summary>
    private static readonly (Func<HttpResponseMessage, bool> Answer, string Header)[] CausedByRequestHeaders =
    [
        (r => r.StatusCode is HttpStatusCode.PreconditionFailed or (HttpStatusCode)428, "If-Match"),
        (r => r.StatusCode is HttpStatusCode.NotModified, "If-None-Match"),
        (r => r.Headers.Contains("Idempotent-Replayed"), "Idempotency-Key"),
    ];

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true };

    public static bool IsExempt(HttpRequestMessage request) =>
        ExemptPrefixes.Any(p => request.RequestUri!.AbsolutePath == p || request.RequestUri.AbsolutePath.StartsWith(p.TrimEnd('/') + "/", StringComparison.Ordinal))
        // A CORS preflight is answered by the CORS middleware for the browser, not by an operation of the API.
        || (request.Method == HttpMethod.Options && request.Headers.Contains("Access-Control-Request-Method"));

    /// <summary>Every way the exchange breaks the contract; empty when it conforms.</summary>
    public static IReadOnlyList<string> Check(ContractDocument contract, HttpRequestMessage request, HttpResponseMessage response, string? body)
    {
        var path = request.RequestUri!.AbsolutePath;
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var found = contract.Find(request.Method.Method, path);
        if (found is null || found.Value.Operation is null)
        {
            // A path or method the service does not serve: routing answers 404/405 and there is no operation to hold it to.
            return response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
                ? []
                : [$"{request.Method} {path} answered {status}, but the contract has no such operation"];
        }
        var (template, name, operation) = found.Value;
        var violations = new List<string>();
        void Fail(string what) => violations.Add($"{name} {status}: {what}");

        var declaredParameters = ContractDocument.ParametersOf(contract.Root, operation!)
            .Where(p => p["in"]?.GetValue<string>() == "header")
            .Select(p => p["name"]!.GetValue<string>())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (_, header) in CausedByRequestHeaders.Where(c => c.Answer(response) && !declaredParameters.Contains(c.Header)))
        {
            Fail($"this answer follows from the request header {header}, which the operation does not declare as a parameter");
        }

        var responses = operation["responses"]!.AsObject();
        var declared = responses[status] ?? responses[$"{status[0]}XX"] ?? responses["default"];
        var pointer = $"#/paths/{Escape(template)}/{request.Method.Method.ToLowerInvariant()}/responses/{status}";
        if (declared is null)
        {
            Fail($"status {status} is not declared (declared: {string.Join(", ", responses.Select(r => r.Key))})");
            return violations;
        }
        var resolved = Resolve(contract, declared);

        var headers = resolved["headers"]?.AsObject() ?? [];
        foreach (var (header, definition) in headers)
        {
            var spec = Resolve(contract, definition!);
            var values = HeaderValues(response, header);
            if (values is null)
            {
                if (spec["required"]?.GetValue<bool>() == true)
                {
                    Fail($"the required header {header} is missing");
                }
                continue;
            }
            if (spec["schema"] is JsonNode schema && HeaderViolation(contract, $"{pointer}/headers/{header}", schema, values) is { } wrong)
            {
                Fail($"header {header}: {wrong}");
            }
        }
        foreach (var header in MeaningfulResponseHeaders.Where(h => HeaderValues(response, h) is not null
                     && !headers.Any(d => string.Equals(d.Key, h, StringComparison.OrdinalIgnoreCase))))
        {
            Fail($"the answer carries {header}, which the contract does not declare for it");
        }

        var content = resolved["content"]?.AsObject();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var hasBody = mediaType is not null || response.Content.Headers.ContentLength > 0;
        if (content is null || content.Count == 0)
        {
            if (hasBody && response.Content.Headers.ContentLength != 0)
            {
                Fail($"a body of {mediaType ?? "no declared type"} was sent, but the contract declares none");
            }
            return violations;
        }
        if (mediaType is null)
        {
            if (request.Method != HttpMethod.Head)
            {
                Fail($"no body was sent, but the contract declares {string.Join(", ", content.Select(c => c.Key))}");
            }
            return violations;
        }
        var media = content.FirstOrDefault(c => MediaTypeMatches(c.Key, mediaType));
        if (media.Value is null)
        {
            Fail($"the body is {mediaType}, but the contract declares only {string.Join(", ", content.Select(c => c.Key))}");
            return violations;
        }
        if (body is not null && IsJson(mediaType) && media.Value["schema"] is JsonNode declaredSchema)
        {
            JsonElement instance;
            try
            {
                instance = JsonDocument.Parse(body).RootElement;
            }
            catch (JsonException e)
            {
                Fail($"the body is not JSON: {e.Message}");
                return violations;
            }
            var results = contract.Evaluate($"{pointer}/content/{Escape(media.Key)}/schema", declaredSchema, instance, Evaluation);
            if (!results.IsValid)
            {
                foreach (var error in Errors(results).Distinct().Take(5))
                {
                    Fail(error);
                }
            }
        }
        return violations;
    }

    public static bool IsJson(string mediaType) =>
        mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);

    private static bool MediaTypeMatches(string declared, string actual) =>
        declared == "*/*"
        || string.Equals(declared, actual, StringComparison.OrdinalIgnoreCase)
        || (declared.EndsWith("/*", StringComparison.Ordinal) && actual.StartsWith(declared[..^1], StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The errors that make the answer invalid: only down failing branches (a passing anyOf keeps the errors of its
    /// other branches, which say nothing).
    /// </summary>
    internal static IEnumerable<string> Errors(EvaluationResults results)
    {
        if (results.IsValid)
        {
            yield break;
        }
        foreach (var (keyword, message) in results.Errors ?? new Dictionary<string, string>())
        {
            yield return $"body at '{results.InstanceLocation}' ({keyword} at {results.EvaluationPath}): {message}";
        }
        foreach (var error in (results.Details ?? []).SelectMany(Errors))
        {
            yield return error;
        }
    }

    private static string? HeaderViolation(ContractDocument contract, string location, JsonNode schema, string[] values)
    {
        var value = string.Join(", ", values);
        var isInteger = schema["type"]?.GetValue<string>() == "integer";
        JsonNode instance;
        if (isInteger)
        {
            if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                return $"'{value}' is not an integer";
            }
            instance = JsonValue.Create(number);
        }
        else
        {
            instance = JsonValue.Create(value);
        }
        var results = contract.Evaluate(location, schema, JsonSerializer.SerializeToElement(instance), Evaluation);
        return results.IsValid ? null : $"'{value}' does not match its schema ({string.Join("; ", Errors(results))})";
    }

    private static string[]? HeaderValues(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.ToArray()
            : null;

    /// <summary>Follows a local $ref (#/components/…) to what it names.</summary>
    private static JsonNode Resolve(ContractDocument contract, JsonNode node)
    {
        while (node["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/", StringComparison.Ordinal))
        {
            node = reference[2..].Split('/').Aggregate(contract.Root, (n, segment) => n[segment.Replace("~1", "/").Replace("~0", "~")]!);
        }
        return node;
    }

    private static string Escape(string segment) => segment.Replace("~", "~0").Replace("/", "~1");
}
