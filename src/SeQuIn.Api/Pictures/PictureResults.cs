using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Pictures;

/// <summary>A 200 answer of text in a media type of its own (UTF-8): what the pictures and the pack share.</summary>
public abstract class TextAnswer(string body, string mediaType) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public string Body => body;

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => mediaType + "; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ContentType;
        AddHeaders(httpContext.Response.Headers);
        return httpContext.Response.WriteAsync(body, Encoding.UTF8, httpContext.RequestAborted);
    }

    protected virtual void AddHeaders(IHeaderDictionary headers)
    {
    }

    /// <summary>Declares the 200 answer in the contract from the handler's signature.</summary>
    protected static void Declare(EndpointBuilder builder, string mediaType) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [mediaType]));
}

/// <summary>An SVG picture: 200 image/svg+xml.</summary>
public sealed class SvgPicture(string svg) : TextAnswer(svg, MediaType), IEndpointMetadataProvider
{
    public const string MediaType = "image/svg+xml";

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, MediaType);
}

/// <summary>
/// A printable HTML document (the meeting pack): 200 text/html. Its own Content-Security-Policy lets the page's one
/// inline style sheet (by its hash) and nothing else run: no script, no outside request.
/// </summary>
public sealed class HtmlDocument(string html, string styleHash) : TextAnswer(html, MediaType), IEndpointMetadataProvider
{
    public const string MediaType = "text/html";

    protected override void AddHeaders(IHeaderDictionary headers) =>
        headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'sha256-{styleHash}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, MediaType);
}

/// <summary>Describes the SVG and HTML answers in the contract: what they are and an example (the Spectral rule wants one on every body).</summary>
internal sealed class PictureContentFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse { Content: { } content })
        {
            return;
        }
        if (content.TryGetValue(SvgPicture.MediaType, out var svg) && svg is OpenApiMediaType svgMedia)
        {
            svgMedia.Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "An SVG 1.1 document (UTF-8), 768 units wide with a viewBox so that it scales: a <title> and a <desc> that state the " +
                              "figures in words, every figure also in data-* attributes of the element that draws it, as the JSON answer has it.",
                Examples = [System.Text.Json.Nodes.JsonValue.Create(PictureExamples.Svg(context.ApiDescription.RelativePath ?? ""))],
            };
        }
        if (content.TryGetValue(HtmlDocument.MediaType, out var html) && html is OpenApiMediaType htmlMedia)
        {
            htmlMedia.Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "A printable HTML5 document (UTF-8) with print styles and its pictures inline as SVG: no script, nothing loaded from elsewhere.",
                Examples = [System.Text.Json.Nodes.JsonValue.Create(PictureExamples.MeetingPack())],
            };
        }
    }
}
