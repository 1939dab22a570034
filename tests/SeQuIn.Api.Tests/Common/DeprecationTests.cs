using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Tests.Common;

/// <summary>
/// The service has no deprecated endpoint yet, so these run the <c>.Deprecated(...)</c> modifier, the header middleware
/// and the contract's operation filter, exactly as Program.cs and OpenApiSetup wire them, on a host with test endpoints.
/// </summary>
public sealed class DeprecationTests
{
    private static readonly DateTimeOffset Since = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Sunset = new(2027, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Uri Successor = new("https://sequin.example/docs#tag/Units");

    [Fact]
    public async Task A_deprecated_endpoint_says_so_on_every_answer_with_deprecation_sunset_and_link_headers()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();

        var ok = await client.GetAsync("/old");
        var refused = await client.GetAsync("/old?fail=true");
        var current = await client.GetAsync("/new");

        foreach (var answer in new[] { ok, refused })
        {
            Assert.Equal("@1796083200", string.Join(",", answer.Headers.GetValues("Deprecation")));
            Assert.Equal("Thu, 01 Jul 2027 00:00:00 GMT", string.Join(",", answer.Headers.GetValues("Sunset")));
            Assert.Equal($"<{Successor}>; rel=\"deprecation\"", string.Join(",", answer.Headers.GetValues("Link")));
        }
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.False(current.Headers.Contains("Deprecation"));
        Assert.False(current.Headers.Contains("Sunset"));
    }

    [Fact]
    public async Task The_contract_marks_a_deprecated_operation_and_declares_both_headers_on_each_of_its_answers()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"))!;

        var old = document["paths"]!["/old"]!["get"]!;
        Assert.True(old["deprecated"]?.GetValue<bool>());
        Assert.StartsWith("Deprecated since 2026-12-01; removed after 2027-07-01", old["description"]!.GetValue<string>());
        var responses = old["responses"]!.AsObject();
        Assert.NotEmpty(responses);
        foreach (var (_, response) in responses)
        {
            Assert.NotNull(response!["headers"]?["Deprecation"]);
            Assert.NotNull(response["headers"]?["Sunset"]);
        }
        var current = document["paths"]!["/new"]!["get"]!;
        Assert.Null(current["deprecated"]);
    }

    [Fact]
    public void A_sunset_sooner_than_the_policy_allows_is_refused_when_the_routes_are_built()
    {
        var builder = WebApplication.CreateBuilder();
        var app = builder.Build();

        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => app.MapGet("/soon", () => "soon").Deprecated(Since, Since.AddDays(30)));
        Assert.Contains("180 days", refused.Message);
    }

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(options => options.OperationFilter<Deprecation.OperationFilter>());
        var app = builder.Build();
        app.UseDeprecationHeaders();
        app.UseSwagger();
        app.MapGet("/old", (bool? fail) => fail == true
                ? Results.Problem(statusCode: StatusCodes.Status400BadRequest)
                : Results.Ok("old"))
            .Produces<string>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .Deprecated(Since, Sunset, Successor);
        app.MapGet("/new", () => "new");
        await app.StartAsync();
        return app;
    }
}
