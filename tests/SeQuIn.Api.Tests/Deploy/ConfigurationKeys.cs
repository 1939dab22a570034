using System.Text.Json;
using System.Text.RegularExpressions;
using SeQuIn.Api.Data;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Deploy;

/// <summary>
/// The configuration keys the service reads, found where the service finds them: the keys written out in its source
/// (every "SeQuIn:…" string), its connection strings' names, and its appsettings files. An environment variable of a
/// manifest must name one of them (A__B becomes A:B), or be one the runtime or OpenTelemetry reads itself.
/// </summary>
public static class ConfigurationKeys
{
    /// <summary>Read by ASP.NET Core's own console logger (Logging:Console:FormatterName=json).</summary>
    private static readonly string[] Framework =
    [
        "Logging:Console:FormatterName",
        "Logging:LogLevel:Default",
    ];

    /// <summary>Environment variables read as they are, not as configuration keys.</summary>
    public static readonly IReadOnlySet<string> StandardVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        "ASPNETCORE_ENVIRONMENT",
        "ASPNETCORE_HTTP_PORTS",
        // The OpenTelemetry SDK's environment variables (opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables).
        "OTEL_SERVICE_NAME",
        "OTEL_RESOURCE_ATTRIBUTES",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_HEADERS",
        "OTEL_TRACES_SAMPLER",
        "OTEL_TRACES_SAMPLER_ARG",
        "OTEL_METRIC_EXPORT_INTERVAL",
    };

    private static readonly Regex KeyLiteral = new("\"((?:SeQuIn|ConnectionStrings|Logging)(?::[A-Za-z][A-Za-z0-9]*)+)\"", RegexOptions.NonBacktracking);

    private static readonly Lazy<HashSet<string>> Known = new(Find);

    /// <summary>Every key the service reads (case-insensitive, as .NET configuration is).</summary>
    public static IReadOnlySet<string> All => Known.Value;

    /// <summary>
    /// Whether the service reads <paramref name="key"/>: a known key, or an element of a known list
    /// (SeQuIn:Oidc:Issuers:0:Issuer, SeQuIn:Cors:AllowedOrigins:1).
    /// </summary>
    public static bool IsRead(string key)
    {
        if (All.Contains(key))
        {
            return true;
        }
        var parts = key.Split(':');
        for (var i = parts.Length - 1; i > 0; i--)
        {
            if (int.TryParse(parts[i], out _) && All.Contains(string.Join(':', parts[..i])))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The configuration key an environment variable sets (A__B__C is A:B:C).</summary>
    public static string FromEnvironmentVariable(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    private static HashSet<string> Find()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var source = Path.Combine(Repository.Root, "src", "SeQuIn.Api");
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            keys.UnionWith(KeyLiteral.Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value));
        }
        keys.Add($"ConnectionStrings:{DatabaseSetup.RuntimeConnection}");
        keys.Add($"ConnectionStrings:{DatabaseSetup.OwnerConnection}");
        keys.Add($"ConnectionStrings:{SeQuIn.Api.Replica.ReplicaOptions.ConnectionName}");
        foreach (var settings in Directory.EnumerateFiles(source, "appsettings*.json"))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(settings));
            Flatten(document.RootElement, "", keys);
        }
        keys.UnionWith(Framework);
        return keys;
    }

    private static void Flatten(JsonElement element, string prefix, HashSet<string> keys)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            keys.Add(prefix);
            return;
        }
        foreach (var property in element.EnumerateObject())
        {
            Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}", keys);
        }
    }
}
