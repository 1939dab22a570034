using System.Text.Json;
using System.Text.Json.Nodes;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Framework;

/// <summary>Areas and scale points carry picture key words, as standards do, so an easy-read edition can illustrate every word it shows.</summary>
public sealed class PictureKeywordTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task Every_area_and_scale_point_of_the_shipped_framework_has_picture_keywords()
    {
        var framework = await ReadAsync<FrameworkVersionDetail>(await Client.GetAsync("/api/v1/frameworks/2021.1"));
        var scale = await ReadAsync<ScaleResponse>(await Client.GetAsync("/api/v1/frameworks/2021.1/scale"));
        var area = await ReadAsync<AreaDetail>(await Client.GetAsync("/api/v1/frameworks/2021.1/areas/FFC"));

        Assert.All(framework.Areas, a => Assert.NotEmpty(a.PictureKeywords));
        Assert.All(framework.Scale, p => Assert.NotEmpty(p.PictureKeywords));
        Assert.All(scale.Points, p => Assert.NotEmpty(p.PictureKeywords));
        Assert.Contains("family", area.PictureKeywords);
    }

    [Fact]
    public async Task Picture_keywords_of_areas_and_scale_points_round_trip_and_show_in_the_diff()
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();
        var shipped = FrameworkDocuments.Shipped(identifier);
        var document = shipped with
        {
            Scale = [.. shipped.Scale.Take(4), shipped.Scale[4] with { PictureKeywords = ["trophy", "every day"] }],
            Areas = [shipped.Areas[0] with { PictureKeywords = ["voice", "hand up"] }, .. shipped.Areas.Skip(1)],
        };
        await PostAsync("/api/v1/frameworks", document);

        var scale = await ReadAsync<ScaleResponse>(await Client.GetAsync($"/api/v1/frameworks/{identifier}/scale"));
        var area = await ReadAsync<AreaDetail>(await Client.GetAsync($"/api/v1/frameworks/{identifier}/areas/INV"));
        var diff = await ReadAsync<FrameworkDiff>(await Client.GetAsync($"/api/v1/frameworks/{identifier}/diff?against=2021.1"));

        Assert.Equal(["trophy", "every day"], scale.Points[4].PictureKeywords);
        Assert.Equal(["voice", "hand up"], area.PictureKeywords);
        Assert.Equal(["pictureKeywords"], Assert.Single(diff.AreasChanged, c => c.Code == "INV").ChangedMembers);
        Assert.Equal([4], diff.ScalePointsChanged.Select(p => p.Value));
        Assert.Empty(diff.StandardsReworded);
    }

    [Fact]
    public async Task Picture_keywords_are_optional_in_an_import()
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();

        await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small(identifier));

        var framework = await ReadAsync<FrameworkVersionDetail>(await Client.GetAsync($"/api/v1/frameworks/{identifier}"));
        Assert.All(framework.Areas, a => Assert.Empty(a.PictureKeywords));
        Assert.All(framework.Scale, p => Assert.Empty(p.PictureKeywords));
    }

    [Theory]
    [InlineData("""{"areas":[{"pictureKeywords":[null]}]}""", "areas[0].pictureKeywords[0]")]
    [InlineData("""{"scale":[{"pictureKeywords":["<script>"]}]}""", "scale[0].pictureKeywords[0]")]
    [InlineData("""{"scale":[{"pictureKeywords":[""]}]}""", "scale[0].pictureKeywords[0]")]
    [InlineData("""{"areas":[{"pictureKeywords":["a very long key word that goes on and on and on"]}]}""", "areas[0].pictureKeywords[0]")]
    [InlineData("""{"areas":[{"pictureKeywords":["a","b","c","d","e","f","g","h","i","j","k"]}]}""", "areas[0].pictureKeywords")]
    [InlineData("""{"areas":[{"standards":[{"pictureKeywords":["two\nlines"]}]}]}""", "areas[0].standards[0].pictureKeywords[0]")]
    public async Task Bad_picture_keywords_are_refused_naming_the_field(string spoil, string field)
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();
        var json = JsonNode.Parse(JsonSerializer.Serialize(FrameworkDocuments.Small(identifier), JsonOptions))!;
        Merge(json, JsonNode.Parse(spoil)!);

        var response = await Client.PostAsync("/api/v1/frameworks", JsonBody(json.ToJsonString()));

        Assert.NotEmpty(await ReadFieldErrorAsync(response, field));
    }

    /// <summary>Puts the spoiled members into the first items of the document's lists.</summary>
    private static void Merge(JsonNode target, JsonNode spoil)
    {
        foreach (var (name, value) in spoil.AsObject().ToList())
        {
            if (value is JsonArray { Count: 1 } list && list[0] is JsonObject item && target[name] is JsonArray existing)
            {
                Merge(existing[0]!, item);
            }
            else
            {
                target[name] = value?.DeepClone();
            }
        }
    }
}
