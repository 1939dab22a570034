using Microsoft.OpenApi;
using SeQuIn.Api.Access;
using SeQuIn.Api.Data;
using Swashbuckle.AspNetCore.Swagger;

namespace SeQuIn.Api.Common;

/// <summary>
/// Commands of the service binary, run instead of serving:
/// <c>migrate [--demo]</c> applies migrations as the schema's owner (ConnectionStrings:SeQuInOwner), grants the runtime
/// role its privileges and loads reference data (and the demo network with a key per role);
/// <c>bootstrap-admin [--name NAME] [--force]</c> creates the first national network-admin key and prints it once (it
/// only inserts, so it runs as the runtime role, and a container that serves never needs the owner's password);
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
                    var demo = args.Contains("--demo");
                    await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(loadDemo: demo);
                    if (demo)
                    {
                        var keys = await scope.ServiceProvider.GetRequiredService<AccessCommands>()
                            .IssueDemoKeysAsync(DatabaseMigrator.DemoNetworkCode, DatabaseMigrator.DemoUnitCode);
                        Console.WriteLine();
                        Console.WriteLine("Demo API keys (shown once; each run replaces them). Send as 'Authorization: Bearer <key>':");
                        foreach (var (role, scopeName, token) in keys)
                        {
                            Console.WriteLine($"  {role,-17} {scopeName,-18} {token}");
                        }
                        Console.WriteLine();
                    }
                }
                return true;
            case "bootstrap-admin":
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var name = args.SkipWhile(a => a != "--name").Skip(1).FirstOrDefault() ?? "first administrator";
                    var token = await scope.ServiceProvider.GetRequiredService<AccessCommands>()
                        .BootstrapAdminAsync(name, force: args.Contains("--force"));
                    if (token is null)
                    {
                        Console.Error.WriteLine("A national network-admin key already works; use it, or run again with --force to make another.");
                        Environment.ExitCode = 1;
                    }
                    else
                    {
                        Console.WriteLine("National network-admin API key (shown once; store it now):");
                        Console.WriteLine(token);
                    }
                }
                return true;
            case "openapi":
                // The endpoints reach the API explorer when the host starts: start it on a throwaway loopback port.
                app.Urls.Clear();
                app.Urls.Add("http://127.0.0.1:0");
                await app.StartAsync();
                var path = FromRepositoryRoot(args.ElementAtOrDefault(1) ?? "openapi/sequin.v1.json");
                await File.WriteAllTextAsync(path, await ContractJsonAsync(app.Services));
                await app.StopAsync();
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

    /// <summary>`dotnet run --project` runs in the project folder; a relative path is meant from the checkout's root.</summary>
    private static string FromRepositoryRoot(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SeQuIn.sln")))
            {
                return Path.Combine(directory.FullName, path);
            }
        }
        return Path.GetFullPath(path);
    }
}
