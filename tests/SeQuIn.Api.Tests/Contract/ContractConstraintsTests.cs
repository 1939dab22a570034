using System.Text.Json.Nodes;
using SeQuIn.Api.Tests.Infrastructure;
using SeQuIn.Api.Tests.Infrastructure.Conformance;

namespace SeQuIn.Api.Tests.Contract;

/// <summary>
/// The committed contract states the limits the validators enforce (Common/ValidationContract reads them from the
/// FluentValidation rules): a client can check a request before sending it.
/// </summary>
public sealed class ContractConstraintsTests
{
    private static readonly JsonNode Document = ContractDocument.Committed.Root;

    private static IEnumerable<(string Operation, JsonNode Parameter)> QueryParameters() =>
        from path in Document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        from parameter in ContractDocument.ParametersOf(Document, method.Value!)
        where parameter["in"]!.GetValue<string>() == "query"
        select ($"{method.Key.ToUpperInvariant()} {path.Key}", (JsonNode)parameter);

    [Fact]
    public void Every_month_in_a_query_has_the_month_pattern()
    {
        var months = QueryParameters()
            .Where(p => p.Parameter["schema"]!["format"] is null && p.Parameter["name"]!.GetValue<string>() is "month" or "from" or "to")
            .ToList();

        Assert.NotEmpty(months);
        Assert.All(months, p => Assert.True(p.Parameter["schema"]!["pattern"]?.GetValue<string>() == "^2[0-9]{3}-(0[1-9]|1[0-2])$",
            $"{p.Operation} {p.Parameter["name"]} has no month pattern"));
    }

    [Fact]
    public void Every_limit_has_its_bounds()
    {
        var limits = QueryParameters().Where(p => p.Parameter["name"]!.GetValue<string>() == "limit").ToList();

        Assert.NotEmpty(limits);
        Assert.All(limits, p => Assert.True(p.Parameter["schema"]!["minimum"]?.GetValue<int>() == 1 && p.Parameter["schema"]!["maximum"] is not null,
            $"{p.Operation} limit is not bounded"));
    }

    [Fact]
    public void Codes_names_and_months_of_request_bodies_carry_their_pattern_or_length()
    {
        var unit = Document["components"]!["schemas"]!["CreateUnitRequest"]!["properties"]!;
        var assessment = Document["components"]!["schemas"]!["CreateAssessmentRequest"]!["properties"]!;

        Assert.Equal("^[A-Z0-9][A-Z0-9-]{1,19}$", unit["code"]!["pattern"]!.GetValue<string>());
        Assert.Equal(200, unit["name"]!["maxLength"]!.GetValue<int>());
        Assert.Equal("^2[0-9]{3}-(0[1-9]|1[0-2])$", assessment["month"]!["pattern"]!.GetValue<string>());
    }
}
