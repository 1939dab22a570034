using Npgsql;

namespace SeQuIn.Api.Common;

/// <summary>
/// A background service that works in rounds against the database (webhook delivery, bulk-export planning): a round
/// that found work is followed at once by the next, an idle one by a pause of <see cref="PollInterval"/>. A database
/// that is down, restarting or not yet migrated pauses it quietly with back-off (the 503s say it to clients); any other
/// fault is logged with its stack and the rounds go on.
/// </summary>
public abstract class PollingService(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    protected ILogger Logger { get; } = logger;

    /// <summary>Whether this instance runs the rounds at all.</summary>
    protected abstract bool Enabled { get; }

    protected abstract TimeSpan PollInterval { get; }

    /// <summary>What the rounds do, for the log: "Webhook dispatch".</summary>
    protected abstract string Activity { get; }

    /// <summary>One round. True when there may be more to do at once.</summary>
    protected abstract Task<bool> RoundAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy = await RoundAsync(stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception fault) when (Unavailable(fault))
            {
                failures = Math.Min(failures + 1, 6);
                Logger.LogWarning("{Activity} paused: {Reason}", Activity, fault.Message);
            }
            catch (Exception fault)
            {
                failures = Math.Min(failures + 1, 6);
                Logger.LogError(fault, "{Activity} failed", Activity);
            }
            if (!busy)
            {
                try
                {
                    await Task.Delay(PollInterval * (1 << failures), Clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>A fault that means "the database is not there (yet)", not a defect.</summary>
    public static bool Unavailable(Exception fault) =>
        ApiExceptionHandler.DatabaseUnavailable(fault)
        || fault is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CannotConnectNow }
        || fault is ObjectDisposedException;
}
