using System.Net;
using System.Text;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Assessments;

/// <summary>
/// The row cap of an import holds while the body is read. Each document below holds one row more than the cap and
/// then text that is not JSON or CSV at all: had the whole body been parsed before the cap was checked, the answer
/// would name that text, not the rows.
/// </summary>
public sealed class ImportLimitsTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    private const string Import = "/api/v1/assessments/import?dryRun=true";

    [Fact]
    public async Task A_json_document_past_the_row_cap_is_refused_before_the_rest_of_it_is_read()
    {
        var json = new StringBuilder("{\"rows\":[");
        for (var i = 0; i <= AssessmentImport.MaxRows; i++)
        {
            json.Append("{\"unitCode\":\"U\",\"areaCode\":\"INV\",\"month\":\"2025-01\",\"standardCode\":\"INV-01\",\"value\":2},");
        }
        json.Append("this is where the parser would stop, were it still reading");

        var message = await ReadFieldErrorAsync(await Client.PostAsync(Import, JsonBody(json.ToString())), "rows");

        Assert.Contains($"1 to {AssessmentImport.MaxRows} rows", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_document_past_the_row_cap_is_refused_before_the_rest_of_it_is_read()
    {
        var csv = new StringBuilder("unitCode,areaCode,month,standardCode,value\n");
        for (var i = 0; i <= AssessmentImport.MaxRows; i++)
        {
            csv.Append("U,INV,2025-01,INV-01,2\n");
        }
        csv.Append("a row with too few columns\n");

        var message = await ReadFieldErrorAsync(
            await Client.PostAsync(Import, new StringContent(csv.ToString(), Encoding.UTF8, "text/csv")), "rows");

        Assert.Contains($"1 to {AssessmentImport.MaxRows} rows", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_header_naming_a_column_twice_is_refused_naming_that_column()
    {
        var csv = "unitCode,areaCode,month,standardCode,value,value\nU,INV,2025-01,INV-01,2,3\n";

        var message = await ReadFieldErrorAsync(await Client.PostAsync(Import, new StringContent(csv, Encoding.UTF8, "text/csv")), "body");

        Assert.Contains("'value'", message, StringComparison.Ordinal);
    }
}
