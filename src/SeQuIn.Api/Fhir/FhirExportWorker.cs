using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// Plans FHIR bulk exports (ADR 0039), on every instance at once: a waiting job is leased to one instance
/// (SKIP LOCKED), which counts each type's resources as the asking caller's grants let them see them and cuts them
/// into files of at most <see cref="FhirExportOptions.FileSize"/> at keys, writing its progress as it goes. Expired
/// jobs are removed. A crash leaves the lease to run out and another instance plans the job again; a database outage
/// pauses the worker, it does not fail jobs.
/// </summary>
public sealed class FhirExportWorker(IServiceScopeFactory scopes, FhirExportOptions options, TimeProvider clock, ILogger<FhirExportWorker> logger)
    : PollingService(clock, logger)
{
    private readonly string _instance = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    protected override bool Enabled => options.Work;
    protected override TimeSpan PollInterval => options.PollInterval;
    protected override string Activity => "FHIR export planning";

    /// <summary>One round: remove what expired, then plan one waiting job. True when one was planned (there may be more).</summary>
    protected override async Task<bool> RoundAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SeQuInDbContext>();
        var now = Clock.Now();
        await db.FhirExportJobs.Where(j => j.ExpiresAt < now).ExecuteDeleteAsync(ct);
        var ready = now - options.Settle;
        var leaseUntil = now + options.Lease;
        var claimed = await db.Database.SqlQuery<Guid>(
            $"""
            UPDATE fhir_export_jobs SET lease_until = {leaseUntil}, leased_by = {_instance}
            WHERE id = (SELECT id FROM fhir_export_jobs
                        WHERE status = 'accepted' AND transaction_time <= {ready} AND (lease_until IS NULL OR lease_until < {now})
                        ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        if (claimed.Count == 0)
        {
            return false;
        }
        await PlanAsync(scope.ServiceProvider, claimed[0], ct);
        return true;
    }

    private async Task PlanAsync(IServiceProvider services, Guid jobId, CancellationToken ct)
    {
        var db = services.GetRequiredService<SeQuInDbContext>();
        var job = await db.FhirExportJobs.SingleOrDefaultAsync(j => j.Id == jobId && j.LeasedBy == _instance, ct);
        if (job is null)
        {
            return;
        }
        try
        {
            var caller = new Caller(job.Actor, JsonSerializer.Deserialize<List<Grant>>(job.Grants, Json.Options)!);
            var scope = new FhirExportScope(db, caller, services, job.Since, job.TransactionTime);
            var files = new List<FhirExportFile>();
            foreach (var (type, index) in job.Types.Select((t, i) => (t, i)))
            {
                job.Progress = $"Planning the files of {type} ({index + 1} of {job.Types.Length} types)";
                await db.SaveChangesAsync(ct);
                var matches = FhirResources.All.Single(r => r.Type == type).Export(scope);
                files.AddRange(await FhirExportPlan.CutAsync(type, matches, options.FileSize, ct));
            }
            job.Files = JsonSerializer.Serialize(files, Json.Options);
            job.Status = FhirExportStatus.Complete;
            job.Progress = null;
            job.CompletedAt = Clock.Now();
            job.ExpiresAt = job.CompletedAt.Value + options.Retention;
        }
        catch (DbUpdateConcurrencyException)
        {
            // The caller deleted it meanwhile: there is nothing to finish.
            return;
        }
        catch (OperationCanceledException)
        {
            // Shutting down: give the job back at once, so that another instance (or this one, restarted) plans it
            // without waiting for the lease to run out.
            await db.FhirExportJobs.Where(j => j.Id == jobId && j.LeasedBy == _instance)
                .ExecuteUpdateAsync(j => j.SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null).SetProperty(x => x.LeasedBy, (string?)null), CancellationToken.None);
            throw;
        }
        catch (Exception fault) when (!Unavailable(fault) && fault is not OperationCanceledException)
        {
            Logger.LogError(fault, "FHIR export {JobId} failed", job.Id);
            job.Status = FhirExportStatus.Failed;
            job.Error = "The export could not be planned; the fault is logged. Ask for a new export.";
        }
        job.LeaseUntil = null;
        job.LeasedBy = null;
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Deleted meanwhile, as above.
        }
    }

}

/// <summary>Cutting a type's matches into files: one ordered pass over their keys, a boundary at every FileSize-th.</summary>
public static class FhirExportPlan
{
    public static async Task<List<FhirExportFile>> CutAsync(string type, IFhirMatches matches, int fileSize, CancellationToken ct)
    {
        var files = new List<FhirExportFile>();
        string? after = null;
        var inFile = 0;
        await foreach (var key in matches.KeysAsync(ct))
        {
            if (++inFile == fileSize)
            {
                files.Add(new FhirExportFile(type, after, key, fileSize));
                (after, inFile) = (key, 0);
            }
        }
        if (inFile > 0)
        {
            // The last file is open-ended: its resources are those after the last boundary.
            files.Add(new FhirExportFile(type, after, null, inFile));
        }
        return files;
    }
}
