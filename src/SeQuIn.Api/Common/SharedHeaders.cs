using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Common;

/// <summary>
/// The operation filters write each answer's headers whole, so the same Idempotent-Replayed, Retry-After or
/// WWW-Authenticate was repeated on hundreds of answers, and the same Idempotency-Key or If-Match parameter on every
/// write. A header that answers declare alike is written once under components/headers, a header parameter that
/// operations declare alike once under components/parameters, each named as the header, and referred to; where one
/// header is declared in several ways (an ETag of a read, of a change, of a creation), the most common way is shared
/// and the others stay where they are, so that every shared component is called what its header is called.
/// </summary>
internal sealed class SharedHeaders : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var declared = document.Paths.Values
            .SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.Responses?.Values.OfType<OpenApiResponse>() ?? [])
            .SelectMany(r => (r.Headers ?? new Dictionary<string, IOpenApiHeader>()).Where(h => h.Value is OpenApiHeader)
                .Select(h => (Response: r, Name: h.Key, Header: (OpenApiHeader)h.Value, Text: Text(h.Value))))
            .ToList();
        foreach (var byName in declared.GroupBy(d => d.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (document.Components?.Headers?.ContainsKey(byName.Key) == true)
            {
                continue;
            }
            var common = byName.GroupBy(d => d.Text, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .First();
            if (common.Count() < 2)
            {
                continue;
            }
            document.AddComponent<IOpenApiHeader>(byName.Key, common.First().Header);
            foreach (var (response, name, _, _) in common)
            {
                response.Headers![name] = new OpenApiHeaderReference(name, document);
            }
        }
        ShareHeaderParameters(document);
    }

    private static void ShareHeaderParameters(OpenApiDocument document)
    {
        var declared = document.Paths.Values
            .SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => (o.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p is { In: ParameterLocation.Header, Name: not null })
                .Select(p => (Operation: o, Parameter: p, Text: Text(p))))
            .ToList();
        foreach (var byName in declared.GroupBy(d => d.Parameter.Name!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var common = byName.GroupBy(d => d.Text, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .First();
            if (common.Count() < 2 || document.Components?.Parameters?.ContainsKey(byName.Key) == true)
            {
                continue;
            }
            document.AddComponent<IOpenApiParameter>(byName.Key, common.First().Parameter);
            foreach (var (operation, parameter, _) in common)
            {
                operation.Parameters![operation.Parameters.IndexOf(parameter)] = new OpenApiParameterReference(byName.Key, document);
            }
        }
    }

    /// <summary>The header or parameter as the contract writes it: two are alike when their text is.</summary>
    private static string Text(IOpenApiSerializable part)
    {
        using var text = new StringWriter();
        part.SerializeAsV3(new OpenApiJsonWriter(text));
        return text.ToString();
    }
}
