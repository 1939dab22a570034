using System.Net;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Framework;

public sealed class FrameworkImportValidationTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    public static TheoryData<string, string> BadDocuments => new()
    {
        { "duplicate area codes", "areas[1].code" },
        { "a gap in the scale", "scale[2].value" },
        { "a scale that starts at one", "scale[0].value" },
        { "a standard coded for another area", "areas[0].standards[1].code" },
        { "a standard code used twice", "areas[1].standards[0].code" },
        { "the reserved identifier", "identifier" },
        { "no areas", "areas" },
        { "an area without standards", "areas[0].standards" },
        { "a scale of one point", "scale" },
        { "a blank easy-read statement", "areas[0].standards[0].easyReadStatement" },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public async Task A_bad_document_is_refused_naming_the_field_and_nothing_is_stored(string problem, string field)
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();
        var document = Spoil(FrameworkDocuments.Small(identifier), problem);

        var response = await PostAsync("/api/v1/frameworks", document);

        Assert.NotEmpty(await ReadFieldErrorAsync(response, field));
        await ReadProblemAsync(await Client.GetAsync($"/api/v1/frameworks/{identifier}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"identifier":"x1","title":"t","scoringRule":"mean-of-applicable","allowNotApplicable":true,"scale":[],"areas":[],"extra":1}""", "extra")]
    [InlineData("""{"identifier":"x1","title":"t","scoringRule":"median","allowNotApplicable":true,"scale":[],"areas":[]}""", "scoringRule")]
    [InlineData("""{"identifier":"x1","title":"t","scoringRule":"mean-of-applicable","allowNotApplicable":"yes","scale":[],"areas":[]}""", "allowNotApplicable")]
    [InlineData("""{"identifier":"x1","title":"t","scoringRule":"mean-of-applicable","allowNotApplicable":true,"scale":[{"value":1.5,"label":"a","easyReadLabel":"b","description":"c"}],"areas":[]}""", "scale[0].value")]
    [InlineData("""{"identifier":"x1","scoringRule":"mean-of-applicable","allowNotApplicable":true,"scale":[],"areas":[]}""", "title")]
    [InlineData("""{"identifier":"x1","title":"t",""", "body")]
    public async Task Malformed_json_is_refused_naming_the_member(string json, string field)
    {
        var response = await Client.PostAsync("/api/v1/frameworks", JsonBody(json));

        Assert.NotEmpty(await ReadFieldErrorAsync(response, field));
    }

    private static FrameworkDocument Spoil(FrameworkDocument document, string problem) => problem switch
    {
        "duplicate area codes" => document with { Areas = [document.Areas[0], document.Areas[0] with { Standards = [] }] },
        "a gap in the scale" => document with { Scale = [document.Scale[0], document.Scale[1], document.Scale[2] with { Value = 3 }] },
        "a scale that starts at one" => document with { Scale = [.. document.Scale.Select(p => p with { Value = p.Value + 1 })] },
        "a standard coded for another area" => document with
        {
            Areas = [document.Areas[0] with { Standards = [document.Areas[0].Standards[0], document.Areas[1].Standards[0]] }, document.Areas[1]],
        },
        "a standard code used twice" => document with
        {
            Areas = [document.Areas[0], FrameworkDocuments.Area("INV", "INV-01") with { Code = "INW" }],
        },
        "the reserved identifier" => document with { Identifier = "active" },
        "no areas" => document with { Areas = [] },
        "an area without standards" => document with { Areas = [document.Areas[0] with { Standards = [] }] },
        "a scale of one point" => document with { Scale = [document.Scale[0]] },
        "a blank easy-read statement" => document with
        {
            Areas = [document.Areas[0] with { Standards = [document.Areas[0].Standards[0] with { EasyReadStatement = " " }] }],
        },
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, null),
    };
}
