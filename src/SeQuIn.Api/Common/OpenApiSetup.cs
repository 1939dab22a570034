using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Common;

/// <summary>The contract (openapi/sequin.v1.json) is generated from the endpoints; these rules make it exact.</summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";

    /// <summary>
    /// The contract's semantic version: major with a breaking change (a new /api/vN), minor with an addition (a new
    /// operation, member or optional parameter), patch with a correction of the description only.
    /// </summary>
    public const string ContractVersion = "1.0.0";
    public const string DocumentPath = "/swagger/v1/swagger.json";
    private const string ApiKeyScheme = "apiKey";
    private const string OidcScheme = "oidc";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Frameworks", "The SeQuIn framework as versioned data: scale, areas and standards, with easy-read text."),
        ("Networks", "Groups of secure units that benchmark together."),
        ("Collaboratives", "Provider collaboratives: the bodies that commission secure care."),
        ("Providers", "NHS trusts and independent providers that run secure units."),
        ("Units", "Secure units. Units are deactivated, never deleted."),
        ("Assessments", "The monthly rating of one area by one unit, made together by staff and service users: participants, ratings, evidence, submission and review."),
        ("Confirmations", "A service-user participant confirms a submission in their own right: a one-time code issued by the unit, entered without credentials, with easy-read wording (ADR 0031)."),
        ("Actions", "Action plans: what a unit will do about a standard an assessment rated, who by role, by when and which evidence will show it; leads comment; closed by evidence when a later submission meets the target (ADR 0034)."),
        ("Priorities", "Network priorities: gaps a network agreed to work on together, the actions of member units linked to them, and their progress month by month (ADR 0034)."),
        ("Evidence", "The network's library of good practice: evidence units chose to share."),
        ("Benchmarks", "Where a unit stands against its comparison group, per area, per standard and over time. Submitted assessments only."),
        ("Insight", "What a network learns from its units: gaps in provision, the units × areas grid, best practice, participation and agreement."),
        ("Progress", "A network's progress over time for its meetings: area medians month by month and the improvements that were sustained, not noise (ADR 0035)."),
        ("Commissioning", "Roll-ups for commissioners: providers, collaboratives and networks by month and area, never a single unit, every figure over at least the minimum group of units."),
        ("Exports", "Analyst pulls of submitted ratings in long format: JSON pages or streamed CSV, with no hidden cap."),
        ("Keys", "API keys for scripts and integrations: created, listed (never their secrets), rotated and revoked by network-admins."),
        ("Memberships", "What subjects of configured identity providers may do. Roles in tokens are never trusted on their own."),
        ("Audit", "The append-only audit trail of every change: who, what, when and why."),
        ("Changes", "The change feed: every change an integrator's copy needs, in commit order, with no gaps (ADR 0027)."),
        ("Webhooks", "The change feed pushed: subscriptions of https endpoints to a network's or collaborative's changes, signed to the Standard Webhooks specification, with a delivery log (ADR 0028)."),
        ("Families", "Families and carers say whether they recognise a unit's published ratings, through its share code and without an account; involvement leads moderate, units and networks see how often families concur (ADR 0029)."),
        ("Pictures", "The figures drawn: SVG pictures of a unit's radar, an area's process control chart and a network's heat map, beside the JSON they draw (same parameters, same figures), and the network meeting's printable HTML pack (ADR 0037)."),
        ("Buddying", "Units to learn from: suggestions of units that rated a standard or area high for a sustained period and share evidence of it, the pairings leads record with their outcomes, and which came before improvement (ADR 0036)."),
        ("FHIR", "A read-only HL7 FHIR R4 facade at {server}/fhir (not under /api/v1): CapabilityStatement, Organization and Questionnaire (with more to come), in application/fhir+json, errors as OperationOutcome, search paged by _count and next links (ADR 0038)."),
        ("Health", "Liveness and readiness probes."),
    ];

    public static IServiceCollection AddSeQuInOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "SeQuIn API",
                Version = ContractVersion,
                Contact = new OpenApiContact { Name = "SeQuIn maintainers" },
                License = new OpenApiLicense { Name = "MIT", Url = new Uri("https://opensource.org/license/mit") },
                Description =
                    "Secure Quality Involvement: co-produced quality benchmarking for secure mental health services. " +
                    "Every error is application/problem+json (RFC 9457) with a traceId; validation errors name the JSON field. " +
                    "Lists are paged with opaque cursors: follow nextCursor until it is null. Months are YYYY-MM, " +
                    "times (format date-time) are written in UTC as yyyy-MM-ddTHH:mm:ss.fffZ, milliseconds truncated, in JSON and CSV alike, " +
                    "and read in any ISO 8601 form with an offset; enums kebab-case strings. Answers may gain members within a major version: " +
                    "ignore members you do not know (requests, in turn, are strict: an unknown member is a 400).",
            });
            options.SupportNonNullableReferenceTypes();
            // OpenAPI 3.0 ignores nullable beside a bare $ref, so a reference a record may send as null is wrapped in allOf.
            options.UseAllOfToExtendReferenceSchemas();
            options.NonNullableReferenceTypesAsRequired();
            options.CustomSchemaIds(SchemaId);
            var xml = Path.Combine(AppContext.BaseDirectory, $"{typeof(OpenApiSetup).Assembly.GetName().Name}.xml");
            if (File.Exists(xml))
            {
                options.IncludeXmlComments(xml);
            }
            options.AddSecurityDefinition(ApiKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "sqn_k_<key id>_<secret>",
                Description = "An API key, sent as 'Authorization: Bearer sqn_k_…'. Never in the query string.",
            });
            options.AddSecurityDefinition(OidcScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from a configured OpenID Connect provider, sent as 'Authorization: Bearer <JWT>'. " +
                              "Its subject must hold a SeQuIn membership; roles in the token grant nothing.",
            });
            options.OperationFilter<AccessFilter>();
            // Before the problem filter, so that the 409/412/422/428 answers they add are typed as problems too.
            options.OperationFilter<IfMatchFilter>();
            options.OperationFilter<IdempotencyFilter>();
            options.OperationFilter<ProblemResponsesFilter>();
            options.OperationFilter<ConditionalGetFilter>();
            options.OperationFilter<EnumQueryFilter>();
            options.OperationFilter<BinaryContentFilter>();
            options.OperationFilter<CsvAlternativeFilter>();
            options.OperationFilter<Pictures.PictureContentFilter>();
            options.OperationFilter<CompressionFilter>();
            options.OperationFilter<Benchmarks.ExportPositionContract>();
            options.OperationFilter<CsvContract.Filter>();
            options.OperationFilter<Webhooks.WebhookContract>();
            // Last, so that it reaches every answer the filters above added (and their header dictionaries, which some replace).
            options.OperationFilter<TraceResponseFilter>();
            options.OperationFilter<Deprecation.OperationFilter>();
            options.DocumentFilter<TraceResponseFilter>();
            options.SchemaFilter<RequiredConstructorParametersFilter>();
            options.SchemaFilter<ProblemTraceIdFilter>();
            options.SchemaFilter<EnumTextFilter>();
            options.SchemaFilter<ValidationContract>();
            options.SchemaFilter<ContractExamples>();
            options.OperationFilter<ValidationContract>();
            // After every filter that adds responses: /fhir answers are FHIR resources, errors OperationOutcomes.
            options.OperationFilter<Fhir.FhirContract>();
            options.DocumentFilter<TagsFilter>();
            options.DocumentFilter<CreatedFilter>();
            options.DocumentFilter<OpenResponsesFilter>();
            options.DocumentFilter<NullableReferencesFilter>();
            options.DocumentFilter<ContractExamples>();
            // Last: it shares the headers every filter above has written.
            options.DocumentFilter<SharedHeaders>();
        });
        return services;
    }

    /// <summary>Page&lt;UnitResponse&gt; becomes UnitResponsePage; nested types keep their own name.</summary>
    private static string SchemaId(Type type) =>
        type.IsGenericType
            ? string.Concat(type.GetGenericArguments().Select(SchemaId)) + type.Name[..type.Name.IndexOf('`')]
            : type.Name;

    private sealed class TagsFilter : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
            // Relative: the contract describes whichever deployment serves it.
            document.Servers = [new OpenApiServer { Url = "/", Description = "The service that serves this document." }];
        }
    }

    /// <summary>
    /// Every 201 says where the new record is (Location, required) and, when reads of that record send an ETag, carries
    /// it too, so the client can change the record without reading it first.
    /// </summary>
    private sealed class CreatedFilter : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            foreach (var (path, item) in document.Paths)
            {
                foreach (var (method, operation) in item.Operations ?? [])
                {
                    if (operation.Responses?.TryGetValue("201", out var answer) != true || answer is not OpenApiResponse created)
                    {
                        continue;
                    }
                    created.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    created.Headers["Location"] = new OpenApiHeader
                    {
                        Description = "The path of the record made.",
                        Required = true,
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
                    };
                    if (method == HttpMethod.Post && ReadOfOne(document, path) is { } read
                        && read.Responses?.TryGetValue("200", out var ok) == true && ok?.Headers?.ContainsKey("ETag") == true)
                    {
                        created.Headers["ETag"] = new OpenApiHeader
                        {
                            Description = "The new record's ETag, as a read of it would send: send it in If-Match with its first change.",
                            Required = true,
                            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                        };
                    }
                }
            }
        }

        /// <summary>GET {path}/{id}: the read of one record of the collection a POST to {path} adds to.</summary>
        private static OpenApiOperation? ReadOfOne(OpenApiDocument document, string path) =>
            document.Paths
                .Where(p => p.Key.StartsWith(path + "/{", StringComparison.Ordinal) && p.Key.IndexOf('/', path.Length + 1) < 0)
                .Select(p => p.Value.Operations?.GetValueOrDefault(HttpMethod.Get))
                .FirstOrDefault(o => o is not null);
    }

    /// <summary>
    /// Answers may gain members, and clients must ignore those they do not know (ADR 0020): so no schema that only
    /// answers use says additionalProperties: false, which the strict JSON options would otherwise put on every record.
    /// Request schemas keep it: the service refuses members it does not understand.
    /// </summary>
    private sealed class OpenResponsesFilter : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            var operations = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).ToList();
            var answered = Reachable(document, operations.SelectMany(o => o.Responses?.Values.AsEnumerable() ?? []).SelectMany(r => r.Content?.Values ?? []).Select(m => m.Schema));
            var requested = Reachable(document, operations.SelectMany(o => o.RequestBody?.Content?.Values ?? []).Select(m => m.Schema));
            foreach (var name in answered.Except(requested))
            {
                if (Component(document, name) is OpenApiSchema { AdditionalPropertiesAllowed: false } schema)
                {
                    schema.AdditionalPropertiesAllowed = true;
                }
            }
        }

        private static IOpenApiSchema? Component(OpenApiDocument document, string name) =>
            document.Components?.Schemas?.TryGetValue(name, out var schema) == true ? schema : null;

        private static HashSet<string> Reachable(OpenApiDocument document, IEnumerable<IOpenApiSchema?> roots)
        {
            var seen = new HashSet<string>();
            var pending = new Stack<IOpenApiSchema>(roots.OfType<IOpenApiSchema>());
            while (pending.TryPop(out var schema))
            {
                if (schema is OpenApiSchemaReference reference)
                {
                    if (reference.Reference.Id is { } id && seen.Add(id) && Component(document, id) is { } target)
                    {
                        pending.Push(target);
                    }
                    continue;
                }
                var children = (schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.OneOf ?? [])
                    .Append(schema.Items).Append(schema.AdditionalProperties);
                foreach (var child in children.OfType<IOpenApiSchema>())
                {
                    pending.Push(child);
                }
            }
            return seen;
        }
    }

    /// <summary>
    /// OpenAPI 3.0.3 says nullable takes effect only beside a type in the same schema, so a nullable reference
    /// (allOf: [$ref], nullable) also states the type it refers to: type: object, nullable: true.
    /// </summary>
    private sealed class NullableReferencesFilter : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            var members = (document.Components?.Schemas?.Values ?? []).OfType<OpenApiSchema>().SelectMany(s => s.Properties?.Values ?? []);
            foreach (var member in members.OfType<OpenApiSchema>())
            {
                if (member is { AllOf: [OpenApiSchemaReference { Reference.Id: { } id }], Type: JsonSchemaType.Null }
                    && document.Components!.Schemas!.TryGetValue(id, out var target) && target.Type is { } type)
                {
                    member.Type = type | JsonSchemaType.Null;
                }
            }
        }
    }

    /// <summary>Every error answer is problem+json; 400, 413, 415 and 500 are documented wherever they can happen.</summary>
    private sealed class ProblemResponsesFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            operation.Responses ??= [];
            var problem = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository);
            var validation = context.SchemaGenerator.GenerateSchema(typeof(HttpValidationProblemDetails), context.SchemaRepository);

            // Every route refuses a query string holding a NUL character or credentials (QueryTextGuard, UseCredentialChecks),
            // so 400 can happen anywhere, parameters or not.
            Ensure(operation, "400", "The request is invalid; the errors name each field.");
            if (operation.RequestBody is not null)
            {
                Ensure(operation, "413", "The request body is larger than the service accepts.");
                Ensure(operation, "415", $"The request body is not {string.Join(" or ", operation.RequestBody.Content?.Keys ?? [])}.");
            }
            Ensure(operation, "500", "An unexpected error; quote the traceId when reporting it.");

            foreach (var (status, response) in operation.Responses)
            {
                if (status.Length == 3 && status[0] is '4' or '5' && response is OpenApiResponse concrete)
                {
                    concrete.Content = new Dictionary<string, IOpenApiMediaType>
                    {
                        ["application/problem+json"] = new OpenApiMediaType { Schema = status is "400" or "422" ? validation : problem },
                    };
                }
            }
        }

        private static void Ensure(OpenApiOperation operation, string status, string description)
        {
            if (!operation.Responses!.ContainsKey(status))
            {
                operation.Responses[status] = new OpenApiResponse { Description = description };
            }
        }
    }

    /// <summary>Documents ETag, Cache-Control, If-None-Match and 304 on conditional GETs.</summary>
    private sealed class ConditionalGetFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ConditionalGetMetadata>().Any())
            {
                return;
            }
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-None-Match",
                In = ParameterLocation.Header,
                Required = false,
                Description = "An ETag from an earlier answer; the service answers 304 when it still matches.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            // A 304 sends the ETag again (RFC 9110 §15.4.5), so a client can keep its copy's tag current.
            operation.Responses!["304"] = new OpenApiResponse { Description = "Not modified: the representation named in If-None-Match is current." };
            foreach (var status in new[] { "200", "304" })
            {
                if (operation.Responses.TryGetValue(status, out var answer) && answer is OpenApiResponse response)
                {
                    response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    response.Headers["ETag"] = new OpenApiHeader
                    {
                        Description = "Identifies this representation: send it in If-None-Match to revalidate (and, for a record, in If-Match to change it).",
                        Required = true,
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    };
                    response.Headers["Cache-Control"] = new OpenApiHeader { Description = "Caching rules for this answer.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                }
            }
        }
    }

    /// <summary>Text members marked [EnumText] are documented as their enum (its kebab-case names).</summary>
    private sealed class EnumTextFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema { Properties.Count: > 0 } concrete)
            {
                return;
            }
            foreach (var property in context.Type.GetProperties())
            {
                var name = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                if (property.GetCustomAttribute<EnumTextAttribute>() is { } marked && concrete.Properties!.TryGetValue(name, out var text))
                {
                    concrete.Properties[name] = new OpenApiSchema
                    {
                        AllOf = [context.SchemaGenerator.GenerateSchema(marked.EnumType, context.SchemaRepository)],
                        Description = text.Description,
                    };
                }
            }
        }
    }

    /// <summary>Every problem carries the request's trace (ApiProblems, AddProblemDetails): the one thing to quote when reporting a fault.</summary>
    private sealed class ProblemTraceIdFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (!typeof(ProblemDetails).IsAssignableFrom(context.Type) || schema is not OpenApiSchema concrete)
            {
                return;
            }
            concrete.Properties ??= new Dictionary<string, IOpenApiSchema>();
            concrete.Properties["traceId"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The request's W3C trace (version-traceid-spanid-flags), as in the traceresponse header: quote it when reporting a fault.",
                Pattern = "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
            };
            concrete.Required ??= new HashSet<string>();
            concrete.Required.Add("traceId");
        }
    }

    /// <summary>
    /// A record's constructor parameter without a default is required when reading JSON
    /// (RespectRequiredConstructorParameters), nullable or not: say so, so that a client knows to send
    /// "collaborativeId": null rather than leave it out.
    /// </summary>
    private sealed class RequiredConstructorParametersFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema { Properties.Count: > 0 } concrete
                || context.Type.GetConstructors() is not [{ } constructor] || constructor.GetParameters().Length == 0)
            {
                return;
            }
            foreach (var parameter in constructor.GetParameters().Where(p => !p.HasDefaultValue && p.Name is not null))
            {
                var name = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);
                if (concrete.Properties!.ContainsKey(name))
                {
                    concrete.Required ??= new HashSet<string>();
                    concrete.Required.Add(name);
                }
            }
        }
    }

    /// <summary>Documents If-Match (required), its 412 and 428 answers, and the new ETag of a change.</summary>
    private sealed class IfMatchFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IfMatchMetadata>().Any())
            {
                return;
            }
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = true,
                Description = "The ETag of the record as last read (or *). Without it the answer is 428; when the record has changed since, 412.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            operation.Responses ??= [];
            operation.Responses.TryAdd("412", new OpenApiResponse { Description = "The record changed since its ETag was read: read it again." });
            operation.Responses.TryAdd("428", new OpenApiResponse { Description = "If-Match is missing." });
            foreach (var (status, response) in operation.Responses)
            {
                if (status.StartsWith('2') && response is OpenApiResponse success)
                {
                    success.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    success.Headers["ETag"] = new OpenApiHeader
                    {
                        Description = "The record's new ETag: send it in If-Match with the next change.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    };
                }
            }
        }
    }

    /// <summary>Documents Idempotency-Key, the replay marker and the answers to a reused or busy key.</summary>
    private sealed class IdempotencyFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IdempotencyMetadata>().FirstOrDefault() is not { } idempotency)
            {
                return;
            }
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Idempotency.Header,
                In = ParameterLocation.Header,
                Required = false,
                Description = "A key of your choosing (at most 200 characters) that makes a retry safe: a repeat with the same key and request " +
                              "gets the first answer again (status, body, Location, ETag) with Idempotent-Replayed: true, for a day." +
                              (idempotency.SecretAnswer
                                  ? " This answer holds a secret shown once and never kept: a repeat of a success gets 409 (with " +
                                    "Idempotent-Replayed: true) saying it was made, not the secret again."
                                  : ""),
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 },
            });
            operation.Responses ??= [];
            operation.Responses.TryAdd("409", new OpenApiResponse { Description = "The first request with this Idempotency-Key is still being processed." });
            operation.Responses.TryAdd("422", new OpenApiResponse { Description = "This Idempotency-Key was used for a different request." });
            // Every answer the handler gave is stored and replayed, refusals included; sign-in, rate limits and outages come before it.
            foreach (var (status, response) in operation.Responses)
            {
                if (status is not ("401" or "429" or "500" or "503") && response is OpenApiResponse answer)
                {
                    answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    answer.Headers["Idempotent-Replayed"] = new OpenApiHeader
                    {
                        Description = "true when this is the stored answer to an earlier request with the same Idempotency-Key.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["true"] },
                    };
                }
            }
            if (operation.Responses.TryGetValue("409", out var busy) && busy is OpenApiResponse conflict)
            {
                conflict.Headers ??= new Dictionary<string, IOpenApiHeader>();
                conflict.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Sent when the first request with this Idempotency-Key is still being processed: seconds to wait before retrying.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                };
            }
        }
    }

    /// <summary>Documents text query parameters marked [EnumQuery] as the enum's schema, with its kebab-case names.</summary>
    private sealed class EnumQueryFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var marked = context.MethodInfo.GetParameters()
                .Where(p => p.GetCustomAttribute<AsParametersAttribute>() is not null)
                .SelectMany(p => p.ParameterType.GetProperties())
                .Select(p => (p.Name, Attribute: p.GetCustomAttribute<EnumQueryAttribute>()))
                .Where(p => p.Attribute is not null);
            foreach (var (name, attribute) in marked)
            {
                if (operation.Parameters?.FirstOrDefault(p => p.Name == name) is OpenApiParameter parameter)
                {
                    parameter.Schema = context.SchemaGenerator.GenerateSchema(attribute!.EnumType, context.SchemaRepository);
                }
            }
        }
    }

    /// <summary>Who may call each operation: its security requirement, the roles in its description, and 401/403/429.</summary>
    private sealed class AccessFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var access = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<Access.AllowedRolesMetadata>().LastOrDefault();
            if (access is null)
            {
                return;
            }
            operation.Description = string.IsNullOrEmpty(operation.Description) ? access.Describe() : $"{operation.Description} {access.Describe()}";
            var apiKey = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] };
            var oidc = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OidcScheme, context.Document)] = [] };
            operation.Security = access.Anonymous ? [new OpenApiSecurityRequirement(), apiKey, oidc] : [apiKey, oidc];
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = access.Anonymous
                ? "The credentials sent are not valid (unknown, expired or revoked key; invalid token)."
                : "No credentials, or credentials that are not valid." });
            if (operation.Responses["401"] is OpenApiResponse unauthorized)
            {
                unauthorized.Headers ??= new Dictionary<string, IOpenApiHeader>();
                unauthorized.Headers["WWW-Authenticate"] = new OpenApiHeader
                {
                    Description = "The scheme to sign in with (Bearer), and why the credentials sent were refused (RFC 6750).",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
            if (!access.Anonymous)
            {
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "Your role or scope does not allow this." });
            }
            var probe = context.ApiDescription.RelativePath?.StartsWith("health", StringComparison.Ordinal) == true;
            // Probes are never rate-limited, but credentials sent to them count toward the failed sign-ins of an address.
            operation.Responses.TryAdd("429", new OpenApiResponse { Description = probe
                ? "Too many failed sign-ins from your address: wait for the seconds in Retry-After (probes without credentials are never limited)."
                : "Too many requests: wait for the seconds in Retry-After." });
            // Everything but liveness reads the database (signing in too): when it cannot be reached, 503 with Retry-After;
            // so does every request that arrives while the instance drains on SIGTERM (ShutdownDrain).
            if (context.ApiDescription.RelativePath != "health/live")
            {
                operation.Responses.TryAdd("503", new OpenApiResponse { Description = "The database cannot be reached just now, or this instance is shutting down: retry after the seconds in Retry-After." });
            }
            foreach (var status in new[] { "429", "503" })
            {
                if (operation.Responses.TryGetValue(status, out var response) && response is OpenApiResponse withRetry)
                {
                    withRetry.Headers = new Dictionary<string, IOpenApiHeader>
                    {
                        ["Retry-After"] = new OpenApiHeader
                        {
                            Description = "Seconds to wait before retrying.",
                            Required = true,
                            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" },
                        },
                    };
                }
            }
        }
    }

    /// <summary>Every answer carries its trace in the traceresponse header (Observability/TraceResponse): declared once, referenced by each.</summary>
    private sealed class TraceResponseFilter : IOperationFilter, IDocumentFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            foreach (var response in (operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>()).OfType<OpenApiResponse>())
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[Observability.TraceResponse.Header] = new OpenApiHeaderReference(Observability.TraceResponse.Header, context.Document);
            }
        }

        public void Apply(OpenApiDocument document, DocumentFilterContext context) =>
            document.AddComponent<IOpenApiHeader>(Observability.TraceResponse.Header, new OpenApiHeader
            {
                Description = "The request's trace (W3C Trace Context: version-traceid-spanid-flags), as in the traceId of a problem: quote it when reporting a fault.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$" },
            });
    }

    /// <summary>Files travel as raw bytes (format: binary), not as base64 text, in every non-JSON media type.</summary>
    private sealed class BinaryContentFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var contents = (operation.Responses?.Values.Select(r => r.Content) ?? [])
                .Append(operation.RequestBody?.Content)
                .OfType<IDictionary<string, IOpenApiMediaType>>();
            foreach (var content in contents)
            {
                foreach (var (mediaType, media) in content.ToList())
                {
                    if (!mediaType.Contains("json", StringComparison.Ordinal) && media is OpenApiMediaType concrete
                        && concrete.Schema is OpenApiSchema { Format: "byte" })
                    {
                        concrete.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                    }
                }
            }
        }
    }
}
