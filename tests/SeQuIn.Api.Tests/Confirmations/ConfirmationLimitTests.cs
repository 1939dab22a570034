using System.Net;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Confirmations;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Infrastructure;
using static SeQuIn.Api.Tests.Confirmations.ConfirmationDriver;

namespace SeQuIn.Api.Tests.Confirmations;

public sealed class ConfirmationLimitTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Theory]
    [InlineData("SeQuIn:RateLimits:WrongConfirmationCodesPerMinute")]
    [InlineData("SeQuIn:RateLimits:WrongConfirmationCodesServiceWidePerMinute")]
    public async Task A_burst_of_wrong_codes_is_limited_and_confirms_nothing_not_even_with_a_right_code_sent_during_the_lockout(string limit)
    {
        await using var app = await Fixture.CreateIsolatedAppAsync(new Dictionary<string, string?> { [limit] = "3" });
        using var national = app.CreateClient(Fixture.NationalAdminToken);
        using var anonymous = app.CreateClient();
        var world = await AssessmentWorld.CreateAsync(app, national);
        var submitted = await SubmittedAsync(world.Member, "2025-01");
        var code = await IssueAsync(world.Member, submitted);
        var guesses = Enumerable.Range(0, 40).Select(_ => ConfirmationCodeFormat.Display(ConfirmationCodeFormat.Generate()))
            .Where(g => g != code).Take(30).ToList();

        var answers = new List<HttpResponseMessage>();
        foreach (var guess in guesses)
        {
            answers.Add(await ConfirmAsync(anonymous, guess, ConfirmationDecision.Agree));
        }
        var rightLookup = await LookUpAsync(anonymous, code);
        var rightConfirm = await ConfirmAsync(anonymous, code, ConfirmationDecision.Agree);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.NotFound, 3).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 27)),
            answers.Select(a => a.StatusCode));
        foreach (var refused in answers.Skip(3).Append(rightLookup).Append(rightConfirm))
        {
            await ReadProblemAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        }
        var after = await AssessmentDriver.ReadAsync<AssessmentDetail>(await world.Member.Client.GetAsync($"/api/v1/assessments/{submitted.Id}"));
        Assert.Null(after.Confirmation);
        Assert.True(after.ConfirmationCodePending);
        // Staff are not locked out of anything else.
        await IssueAsync(world.Member, after);
    }
}
