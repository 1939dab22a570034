using System.Net;
using System.Text;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Common;

/// <summary>Every error is application/problem+json with a traceId, whatever part of the stack raised it.</summary>
public sealed class ErrorAnswersTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await ReadProblemAsync(await Client.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/v1/assessments/import", "application/json or text/csv")]
    [InlineData("/api/v1/networks", "application/json")]
    public async Task A_415_names_the_media_types_the_endpoint_takes(string url, string takes)
    {
        var response = await Client.PostAsync(url, new StringContent("<a/>", Encoding.UTF8, "application/xml"));

        var problem = await ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains($"Send the request body as {takes} (the request had 'application/xml", problem["detail"]?.GetValue<string>() ?? problem.ToJsonString());
    }

    [Fact]
    public async Task A_method_the_route_does_not_support_is_a_405_problem_with_allow()
    {
        var response = await Client.DeleteAsync("/api/v1/units");

        await ReadProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        var response = await Client.PostAsync("/api/v1/networks", new StringContent("code=N1", Encoding.UTF8, "text/plain"));

        await ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_problem_and_nothing_is_stored()
    {
        var code = UniqueCode("N");
        var json = $$"""{"code":"{{code}}","name":"{{new string('x', 1_100_000)}}"}""";

        var response = await Client.PostAsync("/api/v1/networks", JsonBody(json));

        await ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        var found = await Client.GetStringAsync($"/api/v1/networks?code={code}");
        Assert.Contains("\"items\":[]", found);
    }

    [Fact]
    public async Task An_empty_body_is_refused_as_a_missing_body()
    {
        var response = await Client.PostAsync("/api/v1/networks", JsonBody(""));

        Assert.NotEmpty(await ReadFieldErrorAsync(response, "body"));
    }

    [Fact]
    public async Task A_json_null_body_is_refused()
    {
        var response = await Client.PostAsync("/api/v1/networks", JsonBody("null"));

        Assert.NotEmpty(await ReadFieldErrorAsync(response, "body"));
    }

    [Fact]
    public async Task A_json_array_where_an_object_belongs_is_refused()
    {
        var response = await Client.PostAsync("/api/v1/networks", JsonBody("[1,2]"));

        Assert.Contains("object", await ReadFieldErrorAsync(response, "body"));
    }

    [Fact]
    public async Task An_unknown_member_is_refused_naming_it()
    {
        var response = await Client.PostAsync("/api/v1/networks", JsonBody($$"""{"code":"{{UniqueCode("N")}}","name":"N","patientName":"x"}"""));

        Assert.Contains("not a recognised member", await ReadFieldErrorAsync(response, "patientName"));
    }

    [Fact]
    public async Task Validation_messages_use_the_json_member_names()
    {
        var response = await PostAsync("/api/v1/networks", new CreateNetworkRequest("", new string('n', 201)));

        Assert.Contains("'code'", await ReadFieldErrorAsync(response, "code"));
        Assert.Contains("'name'", await ReadFieldErrorAsync(await PostAsync("/api/v1/networks", new CreateNetworkRequest("N-OK", new string('n', 201))), "name"));
    }

    [Fact]
    public async Task A_route_id_that_is_not_a_uuid_is_a_404_problem()
    {
        await ReadProblemAsync(await Client.GetAsync("/api/v1/units/not-a-uuid"), HttpStatusCode.NotFound);
    }
}
