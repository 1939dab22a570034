using FluentValidation;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Fhir;

/// <summary>One search parameter a resource type supports: its name, FHIR type and what it matches.</summary>
public sealed record FhirSearchParameter(string Name, SearchParamType Type, string Documentation);

/// <summary>
/// The paging members of every FHIR search query record (bound with [AsParameters]). Named as FHIR names them, so
/// the C# members start with an underscore.
/// </summary>
public interface IFhirSearch
{
    /// <summary>Page size, 0 to 500 (default 50); 0 answers only the total.</summary>
    int? _count { get; }

    /// <summary>Opaque; only ever taken from a Bundle's next link.</summary>
    string? _cursor { get; }
}

/// <summary>
/// FHIR search, the parts that need neither ASP.NET nor EF: the parameters every search accepts, token and reference
/// parsing, and the searchset Bundle. Strict handling (http://hl7.org/fhir/R4/search.html#errors): a parameter the
/// resource type does not support, a modifier, or a parameter given twice is refused with 400, never ignored.
/// </summary>
public static class FhirSearch
{
    public const int DefaultCount = 50;
    public const int MaxCount = 500;
    public const string Count = "_count";
    public const string Cursor = "_cursor";
    public const string Format = "_format";
    public const int MaxValueLength = 200;
    /// <summary>How often a repeatable (date) parameter may be given: each occurrence narrows, so more than a few say nothing new.</summary>
    public const int MaxRepeats = 4;

    /// <summary>Accepted by every search, stated once in the CapabilityStatement (rest.searchParam).</summary>
    public static readonly IReadOnlyList<FhirSearchParameter> Common =
    [
        new(Count, SearchParamType.Number, $"Page size, 0 to {MaxCount} (default {DefaultCount}); 0 answers only the total. Follow the Bundle's 'next' link for the next page: every match is reachable, there is no other cap."),
        new(Cursor, SearchParamType.String, "Opaque keyset position of the next page; take it only from a Bundle's 'next' link."),
    ];

    /// <summary>
    /// A token value: "system|code", "|code" (no system) or "code" (any system). System is null for "any", "" for "none".
    /// </summary>
    public static (string? System, string Code) Token(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? (null, value) : (value[..bar], value[(bar + 1)..]);
    }

    /// <summary>
    /// The id a reference value names, when it names a resource of the given type: "Type/id", an absolute URL
    /// ending in "/Type/id", or a bare "id". Null otherwise.
    /// </summary>
    public static string? ReferencedId(string value, string type)
    {
        var marker = type + "/";
        var at = value.LastIndexOf(marker, StringComparison.Ordinal);
        if (at >= 0 && (at == 0 || value[at - 1] == '/'))
        {
            var id = value[(at + marker.Length)..];
            return id.Length > 0 && !id.Contains('/', StringComparison.Ordinal) ? id : null;
        }
        return value.Contains('/', StringComparison.Ordinal) ? null : value;
    }

    /// <summary>An instant to the millisecond, as the REST API writes timestamps (meta.lastUpdated agrees with updatedAt).</summary>
    public static DateTimeOffset Instant(DateTimeOffset at) => at.AddTicks(-(at.Ticks % TimeSpan.TicksPerMillisecond));

    /// <summary>A FHIR string search: case-insensitive "starts with", as LIKE text with its wildcards escaped.</summary>
    public static string StartsWithPattern(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>The searchset answer: total over every page, self and next links, one entry per match with its full URL.</summary>
    public static Bundle SearchSet(string baseUrl, string self, string? next, int total, IEnumerable<Resource> matches)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = total };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = self });
        if (next is not null)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = next });
        }
        foreach (var resource in matches)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }
        return bundle;
    }

    /// <summary>The rules every search query shares: the page size and a cursor this service issued.</summary>
    public static void AddFhirSearchRules<T>(this AbstractValidator<T> validator) where T : IFhirSearch
    {
        validator.RuleFor(q => q._count).InclusiveBetween(0, MaxCount);
        validator.RuleFor(q => q._cursor).MaximumLength(1000)
            .Must(c => Paging.TryDecode(c, out _)).WithMessage("'_cursor' is not a cursor this service issued; follow the Bundle's next link.");
    }

    /// <summary>A string or token value: not blank and not too long.</summary>
    public static IRuleBuilderOptions<T, string?> IsSearchValue<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => v is null || v.Trim().Length > 0).WithMessage("'{PropertyName}' must not be empty.")
            .MaximumLength(MaxValueLength);
}
