using SeQuIn.Api.Changes;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using SeQuIn.Api.Access;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Buddying;
using SeQuIn.Api.Commissioning;
using SeQuIn.Api.Common;
using SeQuIn.Api.Confirmations;
using SeQuIn.Api.Data;
using SeQuIn.Api.Families;
using SeQuIn.Api.Fhir;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Health;
using SeQuIn.Api.Observability;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Progress;
using SeQuIn.Api.Pictures;
using SeQuIn.Api.Replica;
using SeQuIn.Api.Webhooks;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSeQuInDatabase(builder.Configuration);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<FrameworkShapes>();
builder.Services.AddSingleton<ReadinessCheck>();
builder.Services.AddSingleton<ExportLimits>();
builder.Services.AddSingleton<FamilyLimits>();
builder.Services.AddSingleton<WrongCodes>();
builder.Services.AddSingleton<ConfirmationSettings>();

builder.Services.ConfigureHttpJsonOptions(options => Json.Configure(options.SerializerOptions));
builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);
// A rule stops at its first failure: a length rule spares the privacy screen megabytes, a NotEmpty spares a Must a null.
ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails(UnsupportedMediaTypes.Describe);
builder.Services.AddFhirFacade(builder.Configuration);
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
builder.Services.AddSeQuInOpenApi();
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<AuditTrail>();
builder.Services.AddScoped<AccessCommands>();
builder.Services.AddSeQuInAccess(builder.Configuration);
builder.Services.AddSeQuInHardening(builder.Configuration);
builder.Services.AddSeQuInReadReplica(builder.Configuration);
builder.Services.AddShutdownDrain(builder.Configuration);
builder.Services.AddSeQuInTelemetry(builder.Configuration);
builder.Services.AddSeQuInCompression();
builder.Services.AddSeQuInWebhooks(builder.Configuration);

var app = builder.Build();

app.UseTrustedForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSecurityHeaders();
app.UseDeprecationHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}
app.UseShutdownDrain();
app.UseMiddleware<RequestBodyLimit>();
app.UseMiddleware<QueryTextGuard>();
app.UseSwagger(options => options.RouteTemplate = "swagger/{documentName}/swagger.json");
if (app.Environment.IsDevelopment())
{
    app.UseSwaggerUI(options => options.SwaggerEndpoint(OpenApiSetup.DocumentPath, "SeQuIn API v1"));
}
app.UseCors(Hardening.CorsPolicy);
app.UseFailedSignInLimit();
app.UseAuthentication();
app.UseCredentialChecks();
app.UseRateLimiter();
app.UseAuthorization();
app.UseWritePositions();
app.UseSeQuInCompression();

app.MapHealthApi();
app.MapApiReference();
// A request whose database connection was lost runs again where nothing can be applied twice (ADR 0013).
var api = app.MapGroup("").WithTransientRetry();
api.MapFrameworkApi();
api.MapOrganisationsApi();
api.MapUnitsApi();
api.MapAssessmentsApi();
api.MapConfirmationsApi();
api.MapAssessmentImportApi();
api.MapEvidenceLibraryApi();
api.MapBenchmarksApi();
api.MapInsightApi();
api.MapProgressApi();
api.MapPicturesApi();
api.MapCommissioningApi();
api.MapExportsApi();
api.MapAccessApi();
api.MapAuditApi();
api.MapChangesApi();
api.MapWebhooksApi();
api.MapFamiliesApi();
api.MapPublicPagesApi();
api.MapBuddyingApi();
api.MapActionsApi();
api.MapPrioritiesApi();
api.MapFhirApi();

if (await Commands.TryRunAsync(app, args))
{
    return;
}

if (app.Configuration.GetValue<bool>("SeQuIn:MigrateOnStartup"))
{
    await using var scope = app.Services.CreateAsyncScope();
    await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(loadDemo: false);
}
await app.WarnIfConnectedAsOwnerAsync();

await app.RunAsync();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
