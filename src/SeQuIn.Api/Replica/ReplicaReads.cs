using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Primitives;
using Npgsql;
using NpgsqlTypes;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Replica;

/// <summary>Marks an endpoint whose reads the replica may answer (documented in the contract).</summary>
public sealed class ReplicaReadMetadata;

/// <summary>
/// Benchmark, insight and export reads answered by the streaming replica when one is configured. An endpoint marked
/// <see cref="ReadsFromReplica{TBuilder}"/> keeps its handler as written, taking a <see cref="SeQuInDbContext"/>: a
/// filter decides where the request reads and, for the replica, hands the handler a context connected to it in place
/// of the primary's. Everything else (sign-in, key look-ups, assessments, every write) uses the primary, and so do
/// these reads when the replica is down, too far behind, or has not yet replayed the caller's last write (ADR 0014).
/// </summary>
public static class ReplicaReads
{
    /// <summary>A <see cref="WritePositions.Header"/> value: the read must see everything up to that write.</summary>
    public const string ReadAfterHeader = "SeQuIn-Read-After";

    /// <summary>Which server answered: <c>replica</c> or <c>primary</c>.</summary>
    public const string ReadSourceHeader = "SeQuIn-Read-Source";

    private const string ReplicaContexts = "replica";

    /// <summary>The replica's contexts, lag probe and write positions when <c>ConnectionStrings:SeQuInReadOnly</c> is set; its contract always.</summary>
    public static IServiceCollection AddSeQuInReadReplica(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureSwaggerGen(options => options.OperationFilter<ReplicaContract>());
        if (ReplicaOptions.From(configuration) is not { } options)
        {
            return services;
        }
        var primary = configuration.GetConnectionString(DatabaseSetup.RuntimeConnection)
            ?? throw new InvalidOperationException("Set the connection string ConnectionStrings:SeQuIn (env ConnectionStrings__SeQuIn).");
        services.AddSingleton(provider => new ReplicaLag(options, primary, provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<ReplicaLag>>()));
        services.AddSingleton<WritePositions>();
        // Pooled like the primary's contexts, and configured by the same rule (SeQuInDbContext.Configure).
        services.AddKeyedSingleton<IDbContextFactory<SeQuInDbContext>>(ReplicaContexts, (_, _) =>
        {
            var builder = new DbContextOptionsBuilder<SeQuInDbContext>();
            SeQuInDbContext.Configure(builder, options.ConnectionString);
            return new PooledDbContextFactory<SeQuInDbContext>(builder.Options);
        });
        return services;
    }

    /// <summary>Remembers the primary's position after every successful change, when a replica is configured (<see cref="WritePositions"/>).</summary>
    public static IApplicationBuilder UseWritePositions(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetService<WritePositions>() is not { } positions)
        {
            return app;
        }
        return app.Use(async (context, next) =>
        {
            var method = context.Request.Method;
            if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method))
            {
                context.Response.OnStarting(() => positions.RecordAsync(context));
            }
            await next(context);
        });
    }

    /// <summary>Lets the replica answer these endpoints' reads.</summary>
    public static TBuilder ReadsFromReplica<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ReplicaReadMetadata());
        builder.AddEndpointFilter(ReadAsync);
        return builder;
    }

    private static async ValueTask<object?> ReadAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!TryReadAfter(http.Request.Headers[ReadAfterHeader], out var after))
        {
            return ApiProblems.Invalid(ReadAfterHeader,
                $"'{ReadAfterHeader}' must be one position as the service sent it in {WritePositions.Header}, such as 0/16B3748.");
        }
        if (http.RequestServices.GetService<ReplicaLag>() is not { } lag)
        {
            return await FromPrimaryAsync(context, next);
        }
        var mine = http.RequestServices.GetRequiredService<WritePositions>().LastOf(http.User.FindFirst(Caller.ActorClaim)?.Value);
        var (source, _) = lag.Choose(await lag.CurrentAsync(http.RequestAborted), Later(mine, after));
        if (source == ReadSource.Primary)
        {
            return await FromPrimaryAsync(context, next);
        }

        var replica = http.RequestServices.GetRequiredKeyedService<IDbContextFactory<SeQuInDbContext>>(ReplicaContexts).CreateDbContext();
        http.Response.RegisterForDisposeAsync(replica);
        var primaries = new List<(int Index, object Context)>();
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            if (context.Arguments[i] is SeQuInDbContext primary)
            {
                primaries.Add((i, primary));
                context.Arguments[i] = replica;
            }
        }
        http.Response.Headers[ReadSourceHeader] = "replica";
        try
        {
            return await next(context);
        }
        // The handler found the replica behind a position the answer must include (an export's change-feed bound):
        // not a fault of the replica, only lag, so it stays in use for other reads.
        catch (ReplicaBehindException) when (!http.Response.HasStarted)
        {
            foreach (var (index, primary) in primaries)
            {
                context.Arguments[index] = primary;
            }
            return await FromPrimaryAsync(context, next);
        }
        // The replica went away (or cancelled the query for replay) since the last probe: a read is safe to repeat,
        // so the primary answers it, as long as nothing has been sent yet.
        catch (Exception exception) when (FromDatabase(exception) && !http.Response.HasStarted)
        {
            lag.ReportFault((NpgsqlConnection)replica.Database.GetDbConnection(), exception);
            foreach (var (index, primary) in primaries)
            {
                context.Arguments[index] = primary;
            }
            return await FromPrimaryAsync(context, next);
        }
    }

    /// <summary>Whether this request is being answered by the replica (its handler may then refuse with <see cref="ReplicaBehindException"/>).</summary>
    public static bool AnsweredByReplica(HttpContext http) => http.Response.Headers[ReadSourceHeader] == "replica";

    private static ValueTask<object?> FromPrimaryAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers[ReadSourceHeader] = "primary";
        return next(context);
    }

    private static bool FromDatabase(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }
        return false;
    }

    private static bool TryReadAfter(StringValues values, out ulong? after)
    {
        after = null;
        if (values.Count == 0)
        {
            return true;
        }
        if (values.Count > 1 || !NpgsqlLogSequenceNumber.TryParse(values[0] ?? "", out var position))
        {
            return false;
        }
        after = (ulong)position;
        return true;
    }

    private static ulong? Later(ulong? a, ulong? b) => a is { } x && b is { } y ? Math.Max(x, y) : a ?? b;
}

/// <summary>
/// Thrown by a handler answering from the replica when the replica has not yet replayed what the answer must hold
/// (<see cref="ReplicaReads.AnsweredByReplica"/>): the primary answers the request instead.
/// </summary>
public sealed class ReplicaBehindException() : Exception("The replica has not replayed far enough for this read.");
