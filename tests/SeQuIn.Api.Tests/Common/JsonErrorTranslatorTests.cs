using System.Text.Json;
using SeQuIn.Api.Common;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Tests.Common;

public sealed class JsonErrorTranslatorTests
{
    private static (string Field, string Message) ErrorOf<T>(string json)
    {
        var exception = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<T>(json, Json.Options));
        return JsonErrorTranslator.Translate(exception);
    }

    [Fact]
    public void An_unknown_member_is_named_with_its_path()
    {
        var (field, message) = ErrorOf<CreateNetworkRequest>("""{"code":"N1","name":"A","colour":"red"}""");
        Assert.Equal("colour", field);
        Assert.Contains("not a recognised member", message);
    }

    [Fact]
    public void A_nested_unknown_member_is_named_with_its_full_path()
    {
        var (field, _) = ErrorOf<FrameworkDocument>("""
            {"identifier":"x","title":"t","scoringRule":"mean-of-applicable","allowNotApplicable":true,
             "scale":[{"value":0,"label":"a","easyReadLabel":"b","description":"c","colour":1}],"areas":[]}
            """);
        Assert.Equal("scale[0].colour", field);
    }

    [Fact]
    public void A_missing_required_member_is_named()
    {
        var (field, message) = ErrorOf<CreateNetworkRequest>("""{"code":"N1"}""");
        Assert.Equal("name", field);
        Assert.Contains("required", message);
    }

    [Fact]
    public void A_null_for_a_required_text_is_refused_by_name()
    {
        var (field, message) = ErrorOf<CreateNetworkRequest>("""{"code":"N1","name":null}""");
        Assert.Equal("name", field);
        Assert.Contains("must not be null", message);
    }

    [Fact]
    public void A_number_where_text_belongs_says_a_string_is_expected()
    {
        var (field, message) = ErrorOf<CreateNetworkRequest>("""{"code":"N1","name":5}""");
        Assert.Equal("name", field);
        Assert.Equal("The value must be a string.", message);
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("\"abc\"")]
    [InlineData("null")]
    public void A_scale_value_that_is_not_a_whole_number_is_refused_by_path(string value)
    {
        var (field, message) = ErrorOf<ScalePointInput>($$"""{"value":{{value}},"label":"a","easyReadLabel":"b","description":"c"}""");
        Assert.Equal("value", field);
        Assert.Contains("whole number", message);
    }

    [Fact]
    public void An_unknown_enum_name_lists_the_allowed_names()
    {
        var (field, message) = ErrorOf<CreateProviderRequest>("""{"code":"P1","name":"A","sector":"private"}""");
        Assert.Equal("sector", field);
        Assert.Equal("The value must be one of: nhs, independent.", message);
    }

    [Fact]
    public void An_enum_given_as_a_number_is_refused()
    {
        var (field, _) = ErrorOf<CreateProviderRequest>("""{"code":"P1","name":"A","sector":1}""");
        Assert.Equal("sector", field);
    }

    [Fact]
    public void Malformed_json_is_reported_against_the_body_with_its_position()
    {
        var (field, message) = ErrorOf<CreateNetworkRequest>("""{"code": """);
        Assert.Equal("body", field);
        Assert.Contains("not valid JSON", message);
    }

    [Theory]
    [InlineData("$.areas[0].standards[1].code", "areas[0].standards[1].code")]
    [InlineData("$['odd name']", "odd name")]
    [InlineData("$", "")]
    [InlineData(null, "")]
    public void Json_paths_become_field_names(string? path, string expected) =>
        Assert.Equal(expected, JsonErrorTranslator.FieldFromPath(path));
}
