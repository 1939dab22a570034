using System.Reflection;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Fhir;

/// <summary>Marks a /fhir endpoint and names the query parameters it accepts (everything else is refused with 400).</summary>
/// <param name="Export">The step of a bulk export this endpoint is, if it is one.</param>
/// <param name="Repeatable">Parameters that may be given more than once, each occurrence narrowing the match (dates: a range
/// is ge…&amp;le…), at most <see cref="FhirSearch.MaxRepeats"/> times; every other parameter is refused when repeated.</param>
public sealed record FhirEndpointMetadata(IReadOnlySet<string> Parameters, string? ResourceType, FhirExportStep? Export = null,
    IReadOnlySet<string>? Repeatable = null);

/// <summary>
/// The FHIR R4 facade (issue #15, ADR 0038) under /fhir — its base URL is <c>{server}/fhir</c>, beside /api/v1, not
/// inside it. Read-only. The same authentication and grants as the REST API; anonymous callers only for
/// <c>metadata</c>. Every answer is application/fhir+json; every error an OperationOutcome.
/// </summary>
public static class FhirApi
{
    public const string Prefix = "/fhir";
    public const string Tag = "FHIR";

    private static readonly string[] AcceptedFormats = ["json", "application/json", "application/fhir+json", "application/json+fhir"];

    public static bool IsFhirRequest(HttpRequest request) => request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The FHIR base URL as the caller reached it (forwarded headers are honoured by UseTrustedForwardedHeaders).</summary>
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}";

    /// <summary>OperationOutcome instead of problem+json for every /fhir error, whoever writes it.</summary>
    public static IServiceCollection AddFhirFacade(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("SeQuIn:Fhir:Export").Get<FhirExportOptions>() ?? new FhirExportOptions());
        services.AddHostedService<FhirExportWorker>();
        // First of the writers, whatever the order of registration: the default writer would take /fhir problems too.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, FhirProblemWriter>());
        return services;
    }

    public static RouteGroupBuilder MapFhirApi(this IEndpointRouteBuilder routes)
    {
        var fhir = routes.MapGroup(Prefix).WithTags(Tag);
        // Outermost first: any problem a later filter or handler answers becomes an OperationOutcome.
        fhir.AddEndpointFilter(AsOperationOutcome);
        fhir.AddEndpointFilter(Negotiate);
        fhir.AddEndpointFilter(OnlyKnownParameters);
        fhir.WithValidation();

        fhir.MapGet("/metadata", GetFhirCapabilities)
            .WithName(nameof(GetFhirCapabilities))
            .AllowAnonymous()
            .WithAnonymousAccess()
            .WithMetadata(new FhirEndpointMetadata(new HashSet<string> { FhirSearch.Format }, null))
            .WithSummary("The FHIR CapabilityStatement: what the facade supports")
            .WithDescription("A CapabilityStatement (kind instance, FHIR 4.0.1, JSON only) listing every resource type served, its " +
                "interactions (read, search-type), every search parameter with its type, paging and how to authenticate. " +
                "Built from the same table the router uses. Open to anyone, as FHIR clients read it before signing in.");

        foreach (var resource in FhirResources.All)
        {
            MapResource(fhir, resource);
        }
        fhir.MapFhirExports();
        return fhir;
    }

    public static FhirResult GetFhirCapabilities(HttpContext http) =>
        FhirResult.Ok(FhirCapabilities.Build(BaseUrl(http.Request), FhirResources.All));

    private static void MapResource(RouteGroupBuilder fhir, FhirResourceDefinition resource)
    {
        var searchQuery = resource.Search.Method.GetParameters()
            .SingleOrDefault(p => p.GetCustomAttribute<AsParametersAttribute>() is not null && typeof(IFhirSearch).IsAssignableFrom(p.ParameterType))
            ?? throw new InvalidOperationException($"The search handler of {resource.Type} must take an [AsParameters] IFhirSearch record.");
        var bound = searchQuery.ParameterType.GetConstructors().Single().GetParameters().Select(p => p.Name!).ToHashSet();
        var declared = resource.SearchParameters.Select(p => p.Name).Concat(FhirSearch.Common.Select(p => p.Name)).ToHashSet();
        if (!bound.SetEquals(declared))
        {
            // The CapabilityStatement is built from the table: a record that binds more or less would make it lie.
            throw new InvalidOperationException($"{searchQuery.ParameterType.Name} binds [{string.Join(", ", bound)}] but the table declares " +
                $"[{string.Join(", ", declared)}] for {resource.Type}.");
        }

        fhir.MapGet($"/{resource.Type}/{{id}}", resource.Read)
            .WithName(resource.Read.Method.Name)
            .RequireAuthorization(resource.Policy)
            .WithRoles(resource.Roles)
            .WithMetadata(new FhirEndpointMetadata(new HashSet<string> { FhirSearch.Format }, resource.Type))
            .WithSummary($"FHIR read: one {resource.Type}")
            .WithDescription($"{resource.Documentation} A resource the caller may not see answers 404, as one that does not exist.");
        fhir.MapGet($"/{resource.Type}", resource.Search)
            .WithName(resource.Search.Method.Name)
            .RequireAuthorization(resource.Policy)
            .WithRoles(resource.Roles)
            .WithMetadata(new FhirEndpointMetadata(declared.Append(FhirSearch.Format).ToHashSet(), resource.Type, null,
                resource.SearchParameters.Where(p => p.Type == SearchParamType.Date).Select(p => p.Name).ToHashSet()))
            .WithSummary($"FHIR search: {resource.Type} resources as a searchset Bundle")
            .WithDescription($"{resource.Documentation} Search parameters: " +
                string.Join("; ", resource.SearchParameters.Select(p => $"{p.Name} ({p.Type.ToString().ToLowerInvariant()}): {p.Documentation}")) +
                $". Paged by _count (default {FhirSearch.DefaultCount}, at most {FhirSearch.MaxCount}) with the Bundle's next link. " +
                "Any other parameter, a modifier or a repeated parameter is refused with 400.");
    }

    /// <summary>
    /// One page of a search: the total over all pages, then up to _count matches after the cursor in key order
    /// (keyset paging on a unique text key — no offsets), as a searchset Bundle with self and next links.
    /// </summary>
    internal static async Task<FhirResult> SearchSetAsync(HttpContext http, string type, IFhirMatches matches, IFhirSearch search, CancellationToken ct)
    {
        var count = search._count ?? FhirSearch.DefaultCount;
        var total = await matches.CountAsync(ct);
        var baseUrl = BaseUrl(http.Request);
        var self = $"{baseUrl}/{type}{http.Request.QueryString}";
        if (count == 0)
        {
            return FhirResult.Ok(FhirSearch.SearchSet(baseUrl, self, null, total, []));
        }
        Paging.TryDecode(search._cursor, out var after);
        var page = await matches.ReadAsync(after, null, count, ct);
        var next = page.More ? $"{baseUrl}/{type}{WithCursor(http.Request, Paging.Encode(page.LastKey!))}" : null;
        return FhirResult.Ok(FhirSearch.SearchSet(baseUrl, self, next, total, page.Resources));
    }

    private static string WithCursor(HttpRequest request, string cursor)
    {
        var query = new QueryBuilder();
        foreach (var (name, values) in request.Query)
        {
            if (name != FhirSearch.Cursor)
            {
                query.Add(name, values.Select(v => v ?? "").ToArray());
            }
        }
        query.Add(FhirSearch.Cursor, cursor);
        return query.ToQueryString().Value!;
    }

    private static async ValueTask<object?> AsOperationOutcome(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        return result is IValueHttpResult { Value: Microsoft.AspNetCore.Mvc.ProblemDetails problem } and IStatusCodeHttpResult { StatusCode: { } status }
            ? new FhirResult(status, FhirOutcomes.From(WithStatus(problem, status)))
            : result;
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails WithStatus(Microsoft.AspNetCore.Mvc.ProblemDetails problem, int status)
    {
        problem.Status ??= status;
        return problem;
    }

    /// <summary>JSON only: _format (json, application/json, application/fhir+json) wins over Accept; anything else is 406.</summary>
    private static ValueTask<object?> Negotiate(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (request.Query.TryGetValue(FhirSearch.Format, out var formats))
        {
            var format = formats.Count == 1 ? formats[0]?.Split(';')[0].Trim() : null;
            return format is not null && AcceptedFormats.Contains(format, StringComparer.OrdinalIgnoreCase)
                ? next(context)
                : ValueTask.FromResult<object?>(NotAcceptable($"_format '{FhirResult.Truncate(formats.ToString())}' is not supported: SeQuIn serves FHIR as JSON only (_format=json)."));
        }
        var accept = request.Headers.Accept.ToString();
        if (accept.Length == 0)
        {
            return next(context);
        }
        var ndjson = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<FhirEndpointMetadata>()?.Export == FhirExportStep.File;
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var ranges) || !ranges.Any(r => Acceptable(r) || ndjson && AcceptableNdjson(r)))
        {
            return ValueTask.FromResult<object?>(NotAcceptable($"Accept '{FhirResult.Truncate(accept)}' names no type SeQuIn serves: it answers {FhirNames.MediaType} (or application/json)."));
        }
        return next(context);
    }

    private static bool Acceptable(MediaTypeHeaderValue range) =>
        range.Quality is null or > 0 && range.MediaType.Value?.ToLowerInvariant() is "*/*" or "application/*" or "application/json" or FhirNames.MediaType or "application/json+fhir";

    private static bool AcceptableNdjson(MediaTypeHeaderValue range) =>
        range.Quality is null or > 0 && range.MediaType.Value?.ToLowerInvariant() is FhirExports.NdjsonMediaType or "application/ndjson" or "application/x-ndjson";

    private static FhirResult NotAcceptable(string message) =>
        FhirResult.Error(StatusCodes.Status406NotAcceptable, OperationOutcome.IssueType.NotSupported, message);

    /// <summary>Strict search: a parameter this route does not support, a modifier (name:modifier) or a repeat is 400.</summary>
    private static ValueTask<object?> OnlyKnownParameters(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var metadata = http.GetEndpoint()?.Metadata.GetMetadata<FhirEndpointMetadata>();
        var allowed = metadata?.Parameters ?? new HashSet<string>();
        foreach (var (name, values) in http.Request.Query)
        {
            if (!allowed.Contains(name))
            {
                var supported = string.Join(", ", allowed.Order(StringComparer.Ordinal));
                return Refuse(name, $"The parameter '{FhirResult.Truncate(name)}' is not supported here (modifiers and chains are not supported either). Supported: {supported}.");
            }
            if (values.Count > 1 && metadata?.Repeatable?.Contains(name) != true)
            {
                return Refuse(name, $"The parameter '{name}' is given {values.Count} times; SeQuIn accepts each parameter once (only dates twice or more, for a range).");
            }
            if (values.Count > FhirSearch.MaxRepeats)
            {
                return Refuse(name, $"The parameter '{name}' is given {values.Count} times; at most {FhirSearch.MaxRepeats}.");
            }
        }
        return next(context);
    }

    private static ValueTask<object?> Refuse(string name, string message)
    {
        var outcome = FhirOutcomes.Create(OperationOutcome.IssueType.Invalid, message);
        outcome.Issue[0].Expression = [name];
        return ValueTask.FromResult<object?>(new FhirResult(StatusCodes.Status400BadRequest, outcome));
    }
}
