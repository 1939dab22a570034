using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Common;

/// <summary>
/// A text/csv body (request or answer) of rows that are the JSON record <see cref="Row"/> written flat: the contract
/// describes it column by column, in order, and leaves out the parameters that only the JSON form honours.
/// </summary>
public sealed record CsvRowsMetadata(Type Row, IReadOnlyList<string> Columns, string? Notes, IReadOnlyList<string> JsonOnlyParameters);

public static class CsvContract
{
    public const string MediaType = "text/csv";

    public static RouteHandlerBuilder WithCsvRows<TRow>(this RouteHandlerBuilder builder, IReadOnlyList<string> columns, string? notes = null,
        params string[] jsonOnlyParameters) =>
        builder.WithMetadata(new CsvRowsMetadata(typeof(TRow), columns, notes, jsonOnlyParameters));

    /// <summary>OpenAPI 3.0 cannot type CSV, so each text/csv body is a string whose description and example say its columns.</summary>
    internal sealed class Filter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<CsvRowsMetadata>().LastOrDefault() is not { } csv)
            {
                return;
            }
            context.SchemaGenerator.GenerateSchema(csv.Row, context.SchemaRepository);
            var schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = $"CSV (RFC 4180, UTF-8): a header row naming the columns, then one row per {csv.Row.Name}. Columns: " +
                              $"{string.Join(", ", csv.Columns)}; each is the {csv.Row.Name} member of the same name (true/false for " +
                              "booleans, an empty field for null; a field holding a comma, quote or line break is quoted)." +
                              (csv.Notes is null ? "" : $" {csv.Notes}"),
                Examples = [System.Text.Json.Nodes.JsonValue.Create(ContractExamples.CsvOfRows(csv.Row, csv.Columns))],
            };
            var contents = (operation.Responses?.Values.Select(r => r.Content) ?? []).Append(operation.RequestBody?.Content);
            foreach (var content in contents.OfType<IDictionary<string, IOpenApiMediaType>>())
            {
                if (content.TryGetValue(MediaType, out var media) && media is OpenApiMediaType concrete)
                {
                    concrete.Schema = schema;
                }
            }
            foreach (var parameter in csv.JsonOnlyParameters)
            {
                if (operation.Parameters?.FirstOrDefault(p => p.Name == parameter && p.In == ParameterLocation.Query) is { } ignored)
                {
                    operation.Parameters.Remove(ignored);
                }
            }
        }
    }
}
