using System.Net;
using Hl7.Fhir.Model;
using SeQuIn.Api.Access;
using SeQuIn.Api.Fhir;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Tests.Framework;
using SeQuIn.Api.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Tests.Fhir;

/// <summary>Framework versions as Questionnaire, compared with GET /api/v1/frameworks/{identifier}.</summary>
public sealed class FhirQuestionnaireTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_framework_version_reads_as_the_rest_api_has_it_areas_as_groups_standards_as_choices_of_the_scale()
    {
        var rest = await ReadAsync<FrameworkVersionDetail>(await Client.GetAsync("/api/v1/frameworks/2021.1"));

        var questionnaire = await (await Client.GetAsync($"/fhir/Questionnaire/{FhirQuestionnaires.IdOf("2021.1")}")).ReadFhirAsync<Questionnaire>();

        Assert.Equal((FhirNames.QuestionnaireUrl, rest.Identifier, rest.Title), (questionnaire.Url, questionnaire.Version, questionnaire.Title));
        Assert.Equal(rest.Status.ToString().ToLowerInvariant(), questionnaire.Status!.Value.ToString().ToLowerInvariant());
        Assert.Equal(rest.Areas.Select(a => (a.Code, a.Name)), questionnaire.Item.Select(i => (i.LinkId!, i.Text!)));
        Assert.All(questionnaire.Item, i => Assert.Equal(Questionnaire.QuestionnaireItemType.Group, i.Type));
        foreach (var (area, group) in rest.Areas.Zip(questionnaire.Item))
        {
            Assert.Equal(area.EasyReadName, EasyRead(group));
            Assert.Equal(area.PictureKeywords, Keywords(group));
            var description = group.Item.First();
            Assert.Equal((Questionnaire.QuestionnaireItemType.Display, area.Description, area.EasyReadDescription), (description.Type, description.Text, EasyRead(description)));
            var questions = group.Item.Skip(1).ToList();
            Assert.Equal(area.Standards.Select(s => (s.Code, s.Statement, s.EasyReadStatement)), questions.Select(q => (q.LinkId!, q.Text!, EasyRead(q)!)));
            Assert.Equal(area.Standards.Select(s => s.PictureKeywords), questions.Select(Keywords));
            foreach (var question in questions)
            {
                Assert.Equal(Questionnaire.QuestionnaireItemType.Choice, question.Type);
                var points = question.AnswerOption.Select(o => (Coding)o.Value).Where(c => c.Code != FhirQuestionnaires.NotApplicableCode).ToList();
                Assert.Equal(rest.Scale.Select(p => (p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Label)), points.Select(c => (c.Code!, c.Display!)));
                Assert.All(points, c => Assert.Equal((FhirNames.ScaleCodeSystem, rest.Identifier), (c.System, c.Version)));
                Assert.Equal(rest.AllowNotApplicable, question.AnswerOption.Any(o => ((Coding)o.Value).Code == FhirQuestionnaires.NotApplicableCode));
            }
        }
    }

    [Fact]
    public async Task Search_finds_versions_by_url_version_status_and_name()
    {
        async Task<IReadOnlyList<string?>> Versions(string query) =>
            (await Client.SearchAllAsync<Questionnaire>($"/fhir/Questionnaire?{query}")).Resources.Select(q => q.Version).ToList();

        Assert.Equal(["2021.1"], await Versions($"url={Uri.EscapeDataString(FhirNames.QuestionnaireUrl)}&version=2021.1"));
        Assert.Equal(["2021.1"], await Versions("name=sequinframework_2021"));
        Assert.Contains("2021.1", await Versions("url=" + Uri.EscapeDataString(FhirNames.QuestionnaireUrl)));
        Assert.Empty(await Versions("url=https%3A%2F%2Fexample.org%2FQuestionnaire%2Fother&version=2021.1"));
        var active = await (await Client.GetAsync("/api/v1/frameworks/active")).Content.ReadAsStringAsync();
        Assert.Single(await Versions("status=active"));
        Assert.Contains(System.Text.Json.Nodes.JsonNode.Parse(active)!["identifier"]!.GetValue<string>(), await Versions("status=active"));
    }

    [Fact]
    public async Task A_draft_is_seen_by_those_who_see_drafts_and_does_not_exist_for_others()
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();
        (await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small(identifier))).EnsureSuccessStatusCode();
        var world = await FhirWorld.CreateAsync(Client);
        var member = await world.ClientAsync(Fixture.App, Client, Role.UnitMember);

        var draft = await (await Client.GetAsync($"/fhir/Questionnaire/{FhirQuestionnaires.IdOf(identifier)}")).ReadFhirAsync<Questionnaire>();
        Assert.Equal(PublicationStatus.Draft, draft.Status);
        Assert.Equal([identifier], (await Client.SearchAllAsync<Questionnaire>($"/fhir/Questionnaire?version={identifier}")).Resources.Select(q => q.Version));

        await (await member.GetAsync($"/fhir/Questionnaire/{FhirQuestionnaires.IdOf(identifier)}")).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        Assert.Empty((await member.SearchAllAsync<Questionnaire>($"/fhir/Questionnaire?version={identifier}")).Resources);
        Assert.DoesNotContain((await member.SearchAllAsync<Questionnaire>("/fhir/Questionnaire?status=draft")).Resources, q => q.Version == identifier);
    }

    private static string? EasyRead(Element element) =>
        (element.GetExtension(FhirNames.EasyReadExtension)?.Value as FhirString)?.Value;

    private static IReadOnlyList<string> Keywords(Element element) =>
        element.GetExtensions(FhirNames.PictureKeywordsExtension).Select(e => ((FhirString)e.Value!).Value!).ToList();
}
