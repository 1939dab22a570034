using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Template;

namespace SeQuIn.Api.Common;

/// <summary>
/// Routing answers 415 itself when a body's Content-Type is not one the endpoint accepts (its IAcceptsMetadata),
/// and the problem it writes says nothing of what would do. This names the media types the endpoint takes (JSON,
/// CSV, files), found among the endpoints that serve the request's method and path.
/// </summary>
public static class UnsupportedMediaTypes
{
    public static void Describe(ProblemDetailsOptions options) =>
        options.CustomizeProblemDetails = context =>
        {
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && context.ProblemDetails.Detail is null)
            {
                context.ProblemDetails.Detail = DetailFor(context.HttpContext);
            }
        };

    /// <summary>"Send the request body as … (the request had …)", from the endpoint reached or, when routing refused, those it could have been.</summary>
    public static string DetailFor(HttpContext http)
    {
        var request = http.Request;
        var accepted = http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes is { Count: > 0 } reached
            ? reached
            : http.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
                .OfType<RouteEndpoint>()
                .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(request.Method, StringComparer.OrdinalIgnoreCase) == true)
                .Where(e => new TemplateMatcher(TemplateParser.Parse(e.RoutePattern.RawText ?? ""), new RouteValueDictionary()).TryMatch(request.Path, new RouteValueDictionary()))
                .SelectMany(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? [])
                .Distinct()
                .ToList();
        var sent = string.IsNullOrEmpty(request.ContentType) ? "no Content-Type"
            : $"'{(request.ContentType.Length <= 64 ? request.ContentType : request.ContentType[..64] + "…")}'";
        return accepted.Count == 0
            ? $"This endpoint does not take a body of {sent}."
            : $"Send the request body as {string.Join(" or ", accepted)} (the request had {sent}).";
    }
}
