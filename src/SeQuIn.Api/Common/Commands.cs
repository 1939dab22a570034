using Microsoft.OpenApi;
using SeQuIn.Api.Data;
using Swashbuckle.AspNetCore.Swagger;

namespace SeQuIn.Api.Common;

/// <summary>
/// Commands of the service binary, run instead of serving:
/// <c>migrate [--demo]</c> applies migrations and loads reference data (and the demo network);
/// <c>openapi PATH</c> writes the contract, exactly as served at /swagger/v1/swagger.json.
/// </summary>
public static class Commands
{
    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "migrate":
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(loadDemo: args.Contains("--demo"));
                }
                return true;
            case "openapi":
                var path = args.ElementAtOrDefault(1) ?? "openapi/sequin.v1.json";
                await File.WriteAllTextAsync(path, await ContractJsonAsync(app.Services));
                Console.WriteLine($"Wrote {Path.GetFullPath(path)}");
                return true;
            default:
                return false;
        }
    }

    public static async Task<string> ContractJsonAsync(IServiceProvider services)
    {
        var document = await services.GetRequiredService<IAsyncSwaggerProvider>().GetSwaggerAsync(OpenApiSetup.DocumentName);
        await using var text = new StringWriter();
        document.SerializeAsV3(new OpenApiJsonWriter(text));
        return text.ToString().ReplaceLineEndings("\n") + "\n";
    }
}
