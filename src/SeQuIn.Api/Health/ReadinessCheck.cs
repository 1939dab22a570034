using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Health;

/// <summary>
/// The database check behind /health/ready, shared by every probe for a short time
/// (SeQuIn:Health:ReadinessCacheSeconds, default 2): a flood of probes costs at most one round trip per interval,
/// and only one check is ever in flight; probes that arrive meanwhile wait for it. From the moment the host starts
/// stopping, every probe is told "not ready" at once, without a check, so that the orchestrator sends no new work.
/// </summary>
public sealed class ReadinessCheck(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ShutdownDrain drain,
    ILogger<ReadinessCheck> logger)
{
    /// <summary>A check that takes longer than this counts as a failure, whatever the connection string's time-out.</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Outcome? _last;
    private Task<Outcome>? _running;

    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue("SeQuIn:Health:ReadinessCacheSeconds", 2.0)));

    public sealed record Outcome(bool Ready, IReadOnlyDictionary<string, string> Checks, long CheckedAt);

    public Task<Outcome> GetAsync(CancellationToken ct)
    {
        if (drain.IsDraining)
        {
            return Task.FromResult(new Outcome(false, new Dictionary<string, string> { ["shutdown"] = "draining" }, clock.GetTimestamp()));
        }
        Task<Outcome> running;
        lock (_gate)
        {
            if (_last is { } last && clock.GetElapsedTime(last.CheckedAt) < Interval)
            {
                return Task.FromResult(last);
            }
            // Not cancelled with the probe that started it: the others wait for the same check.
            if (_running is not { IsCompleted: false })
            {
                _running = RunAsync();
            }
            running = _running;
        }
        return running.WaitAsync(ct);
    }

    private async Task<Outcome> RunAsync()
    {
        var checks = new Dictionary<string, string>();
        using var timeout = new CancellationTokenSource(CheckTimeout, clock);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SeQuInDbContext>();
            if (!await db.Database.CanConnectAsync(timeout.Token))
            {
                checks["database"] = "unreachable";
            }
            else
            {
                checks["database"] = "reachable";
                var pending = (await db.Database.GetPendingMigrationsAsync(timeout.Token)).Count();
                checks["migrations"] = pending == 0 ? "applied" : $"{pending} pending";
            }
        }
        // Only database faults mean "not ready"; anything else is a defect and is left to surface.
        catch (NpgsqlException exception)
        {
            Unreachable(exception);
        }
        catch (TimeoutException exception)
        {
            Unreachable(exception);
        }
        catch (OperationCanceledException exception) when (timeout.IsCancellationRequested)
        {
            Unreachable(exception);
        }
        void Unreachable(Exception exception)
        {
            logger.LogWarning(exception, "The readiness check could not reach the database.");
            checks["database"] = "unreachable";
        }
        var outcome = new Outcome(checks.GetValueOrDefault("database") == "reachable" && checks.GetValueOrDefault("migrations") == "applied",
            checks, clock.GetTimestamp());
        lock (_gate)
        {
            _last = outcome;
        }
        return outcome;
    }
}
