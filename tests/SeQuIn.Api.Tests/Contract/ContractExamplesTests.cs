extern alias JsonEverything;

using System.Text.Json;
using JsonEverything::Json.Schema;
using SeQuIn.Api.Tests.Infrastructure.Conformance;

namespace SeQuIn.Api.Tests.Contract;

/// <summary>The examples in the contract (Common/ContractExamples) are answers a client could really get: each validates against its schema.</summary>
public sealed class ContractExamplesTests
{
    [Fact]
    public void Every_example_validates_against_the_schema_it_illustrates()
    {
        var contract = ContractDocument.Committed;
        var illustrated = contract.Root["components"]!["schemas"]!.AsObject()
            .Where(s => s.Value!["example"] is not null)
            .ToList();

        Assert.Contains(illustrated, s => s.Key == "UnitResponse");
        Assert.Contains(illustrated, s => s.Key == "AssessmentDetail");
        Assert.Contains(illustrated, s => s.Key == "UnitBenchmark");
        Assert.All(illustrated, s =>
        {
            var reference = new System.Text.Json.Nodes.JsonObject { ["$ref"] = $"#/components/schemas/{s.Key}" };
            var results = contract.Evaluate($"example of {s.Key}", reference,
                JsonSerializer.SerializeToElement(s.Value!["example"]), new EvaluationOptions { RequireFormatValidation = true });
            Assert.True(results.IsValid, $"The example of {s.Key} does not validate against it");
        });
    }
}
