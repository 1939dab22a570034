using System.Net.Http.Json;
using SeQuIn.Api.Actions;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Actions;

/// <summary>Imported history closes actions by evidence as a submission does, in the import's transaction (ADR 0034).</summary>
public sealed class ImportedEvidenceTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private static ImportDocument Inv(UnitResponse unit, params (string Month, int Value)[] months) =>
        new(months.SelectMany(m => Enumerable.Range(1, 10).Select(i => new ImportRow(unit.Code, "INV", m.Month, $"INV-{i:00}", m.Value))).ToList());

    private static async Task<ImportReport> ImportAsync(HttpClient admin, ImportDocument document) =>
        await AssessmentDriver.ReadAsync<ImportReport>(await admin.PostAsJsonAsync("/api/v1/assessments/import", document, Json.Options));

    [Fact]
    public async Task An_imported_later_month_at_target_achieves_an_action_and_a_later_fall_back_in_the_same_document_slips_it()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var baseline = (await ImportAsync(world.Admin, Inv(world.Unit, ("2021-03", 1)))).AssessmentIds.Single();
        var action = await ActionPlanTests.CreateAsync(world.Member.Client, baseline, "INV-03");
        var untouched = await ActionPlanTests.CreateAsync(world.Member.Client, baseline, "INV-04", target: 4);

        // One document, out of order: May falls back below target after April met it; February is before the baseline.
        var report = await ImportAsync(world.Admin, Inv(world.Unit, ("2021-05", 2), ("2021-02", 4), ("2021-04", 3)));

        var read = await AssessmentDriver.ReadAsync<ActionResponse>(await world.Lead.GetAsync($"/api/v1/actions/{action.Id}"));
        Assert.Equal((ActionEvidence.Slipped, "2021-05", (int?)2), (read.Evidence.State, read.Evidence.Month, read.Evidence.Rating));
        Assert.Contains(read.Evidence.AchievedByAssessmentId!.Value, report.AssessmentIds);
        Assert.Contains(read.Evidence.AssessmentId!.Value, report.AssessmentIds);
        var other = await AssessmentDriver.ReadAsync<ActionResponse>(await world.Lead.GetAsync($"/api/v1/actions/{untouched.Id}"));
        Assert.Equal((ActionEvidence.NotYetShown, 1), (other.Evidence.State, other.Revision));
        var history = await AssessmentDriver.ReadAsync<Page<AuditEventResponse>>(await world.Lead.GetAsync($"/api/v1/actions/{action.Id}/history"));
        Assert.Equal(["action.created", "action.achieved", "action.slipped"], history.Items.Select(e => e.Action));
    }

    [Fact]
    public async Task A_dry_run_import_closes_nothing()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var baseline = (await ImportAsync(world.Admin, Inv(world.Unit, ("2021-03", 1)))).AssessmentIds.Single();
        var action = await ActionPlanTests.CreateAsync(world.Member.Client, baseline, "INV-03");

        await AssessmentDriver.ReadAsync<ImportReport>(await world.Admin.PostAsJsonAsync("/api/v1/assessments/import?dryRun=true",
            Inv(world.Unit, ("2021-04", 4)), Json.Options));

        var read = await AssessmentDriver.ReadAsync<ActionResponse>(await world.Lead.GetAsync($"/api/v1/actions/{action.Id}"));
        Assert.Equal((ActionEvidence.NotYetShown, 1), (read.Evidence.State, read.Revision));
    }
}
