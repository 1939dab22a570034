using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Confirmations;

public sealed class DemoConfirmationsTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task The_demo_has_agreed_disagreed_and_unconfirmed_submissions_and_their_figures()
    {
        await using var db = await DemoDatabase.CreateAsync(Fixture, "sequin_democ", TimeProvider.System);

        var submitted = await db.Assessments.Where(a => a.Status == AssessmentStatus.Submitted).GroupBy(a => a.Confirmation)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key ?? (ServiceUserConfirmation)(-1), g => g.Count);
        Assert.True(submitted.GetValueOrDefault(ServiceUserConfirmation.Agreed) > 10, string.Join(", ", submitted));
        Assert.True(submitted.GetValueOrDefault(ServiceUserConfirmation.Disagreed) > 0, string.Join(", ", submitted));
        Assert.True(submitted.GetValueOrDefault((ServiceUserConfirmation)(-1)) > submitted[ServiceUserConfirmation.Agreed]);
        Assert.True(await db.Assessments.Where(a => a.Confirmation == ServiceUserConfirmation.Disagreed).AllAsync(a => a.ConfirmationReason != null && a.ConfirmedAt > a.SubmittedAt));
        Assert.True(await db.Assessments.Where(a => a.Confirmation == ServiceUserConfirmation.Agreed).AllAsync(a => a.ConfirmationReason == null));
        // The figures follow: area_results carry the same confirmations.
        Assert.Equal(submitted[ServiceUserConfirmation.Agreed], await db.AreaResults.CountAsync(r => r.Confirmation == ServiceUserConfirmation.Agreed));
    }
}
