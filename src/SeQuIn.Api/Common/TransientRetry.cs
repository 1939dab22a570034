using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Common;

/// <summary>
/// Runs a request again when its connection to the database was lost (a failover, a restart, a reset connection)
/// and nothing it sent can have been applied (<see cref="RetrySafety"/>): twice at most, within 2 s, so that a
/// request that still fails is answered 503 well inside the 5 s promised. Time-outs and an exhausted pool are
/// not retried: waiting again would only double the wait. See ADR 0013.
/// </summary>
/// <summary>Marks an endpoint that reads a body of any length as it arrives: it is never buffered for a retry.</summary>
public sealed record StreamedRequestBody;

public static partial class TransientRetry
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400)];
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public static TBuilder WithTransientRetry<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // A handler that reads the body itself (a file) must read it again; bound bodies are read already. One that
            // streams a body of any length (a history import) is not buffered: lost, it is answered 503 and the client retries.
            if (http.Request.ContentLength is not 0 && !http.Request.Body.CanSeek
                && http.GetEndpoint()?.Metadata.GetMetadata<StreamedRequestBody>() is null)
            {
                http.Request.EnableBuffering();
            }
            var started = Stopwatch.GetTimestamp();
            for (var attempt = 0; ; attempt++)
            {
                var sent = RetrySafety.Watch();
                try
                {
                    return await next(context);
                }
                catch (Exception exception) when (ConnectionLost(exception))
                {
                    ForgetBrokenConnections(http);
                    if (attempt == Delays.Length || sent.MayHaveApplied || http.Response.HasStarted
                        || Stopwatch.GetElapsedTime(started) + Delays[attempt] > Budget
                        || (http.Request.ContentLength is not 0 && !http.Request.Body.CanSeek))
                    {
                        throw;
                    }
                    Log.Retrying(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TransientRetry)),
                        http.Request.Method, http.Request.Path, attempt + 1, exception.Message);
                    http.RequestServices.GetRequiredService<SeQuInDbContext>().ChangeTracker.Clear();
                    if (http.Request.Body.CanSeek)
                    {
                        http.Request.Body.Position = 0;
                    }
                    await Task.Delay(Delays[attempt], http.RequestAborted);
                }
            }
        });
        return builder;
    }

    /// <summary>
    /// A read made before any endpoint runs (the API key lookup that signs every request in), run once more at
    /// once when its connection was found dead: the pool is cleared first, so the second try opens a new one. After
    /// a database restart this spares the first request its 503.
    /// </summary>
    internal static async Task<T> ReadAgainOnceAsync<T>(HttpContext http, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception exception) when (ConnectionLost(exception))
        {
            ForgetBrokenConnections(http);
            return await read();
        }
    }

    /// <summary>
    /// The pool's idle connections went with the server that broke this one: dropped, so that the next requests
    /// open new ones instead of each meeting a dead connection once.
    /// </summary>
    internal static void ForgetBrokenConnections(HttpContext http) =>
        NpgsqlConnection.ClearPool((NpgsqlConnection)http.RequestServices.GetRequiredService<SeQuInDbContext>().Database.GetDbConnection());

    /// <summary>As <see cref="ForgetBrokenConnections"/>, when <paramref name="exception"/> says the connection was lost (not a time-out or a bad statement).</summary>
    internal static void ForgetBrokenConnectionsIfLost(HttpContext http, Exception exception)
    {
        if (ConnectionLost(exception))
        {
            ForgetBrokenConnections(http);
        }
    }

    /// <summary>
    /// The connection broke or could not be made: refused, reset, or the server shutting down or terminating the
    /// backend. Not a time-out (a slow or saturated database, or an exhausted pool) and not an error in the SQL.
    /// </summary>
    internal static bool ConnectionLost(Exception exception)
    {
        var lost = false;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case TimeoutException:
                    return false;
                case PostgresException postgres:
                    lost |= ServerEndedTheConnection(postgres.SqlState);
                    break;
                case NpgsqlException { IsTransient: true } or System.Net.Sockets.SocketException or IOException:
                    lost = true;
                    break;
            }
        }
        return lost;
    }

    /// <summary>Connection exceptions (class 08), and the server shutting down, crashing or starting up (57P01–57P03).</summary>
    internal static bool ServerEndedTheConnection(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03";

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Warning, "Database connection lost during {Method} {Path}; running it again (retry {Retry}): {Reason}")]
        public static partial void Retrying(ILogger logger, string method, string path, int retry, string reason);
    }
}
