using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using SeQuIn.Api.Access;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;
using SeQuIn.Api.Tests.Assessments;
using SeQuIn.Api.Tests.Framework;
using SeQuIn.Api.Tests.Infrastructure;

using SeQuIn.Api.Tests.Infrastructure.Conformance;

namespace SeQuIn.Api.Tests.Common;

/// <summary>The bad inputs the adversarial review found answered with a 500, each pinned; the contract fuzz test covers the rest.</summary>
[Collection(SweepingApiCollection.Name)]
public sealed class NoInputGetsA500Tests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Theory]
    [InlineData("ratings", """{"ratings":[null]}""", "ratings[0]")]
    [InlineData("ratings", """{"ratings":[{"standardCode":"INV-01","value":3},null]}""", "ratings[1]")]
    [InlineData("participants", """{"participants":[null]}""", "participants[0]")]
    public async Task A_null_item_in_a_list_is_refused_naming_the_item(string resource, string body, string field)
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var assessment = await world.Member.CreateAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/assessments/{assessment.Id}/{resource}") { Content = JsonBody(body) };
        request.Headers.TryAddWithoutValidation("If-Match", AssessmentDriver.ETagOf(assessment));

        var message = await ReadFieldErrorAsync(await world.Member.Client.SendAsync(request), field);

        Assert.Contains("must not be null", message);
    }

    [Fact]
    public async Task An_import_with_a_null_row_is_refused_naming_the_row()
    {
        var response = await Client.PostAsync("/api/v1/assessments/import", JsonBody("""{"rows":[null]}"""));

        await ReadFieldErrorAsync(response, "rows[0]");
    }

    [Fact]
    public async Task A_framework_document_with_a_null_area_or_keyword_is_refused_naming_it()
    {
        var document = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(FrameworkDocuments.Small(FrameworkDocuments.UniqueIdentifier()), JsonOptions))!;
        document["areas"]![0]!["standards"]![0]!["pictureKeywords"] = new JsonArray(null, JsonValue.Create("word"));
        document["areas"]!.AsArray().Add(null);

        var response = await Client.PostAsync("/api/v1/frameworks", JsonBody(document.ToJsonString()));

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("areas[0].standards[0].pictureKeywords[0]"), problem.ToJsonString());
        Assert.True(problem["errors"]!.AsObject().ContainsKey("areas[2]"), problem.ToJsonString());
    }

    [Fact]
    public async Task A_NUL_character_in_body_text_or_a_query_is_refused_naming_the_field()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var assessment = await world.Member.CreateAsync();

        await ReadFieldErrorAsync(await world.Member.Client.PostAsync($"/api/v1/assessments/{assessment.Id}/comments", JsonBody("""{"text":"a\u0000b"}""")), "text");
        await ReadFieldErrorAsync(await Client.GetAsync("/api/v1/audit-events?actor=a%00b"), "actor");
        await ReadFieldErrorAsync(await Client.GetAsync("/api/v1/units?code=%00"), "code");
    }

    [Fact]
    public async Task A_units_scope_without_unit_ids_is_refused_naming_them()
    {
        var response = await Client.PostAsync("/api/v1/keys", JsonBody("""{"name":"K","role":"unit-member","scope":{"kind":"units"}}"""));

        await ReadFieldErrorAsync(response, "scope.unitIds");
    }

    [Fact]
    public async Task Audit_times_with_any_offset_are_understood()
    {
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToOffset(TimeSpan.FromHours(5.5)).ToString("O", CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToOffset(TimeSpan.FromHours(-7)).ToString("O", CultureInfo.InvariantCulture));

        var response = await Client.GetAsync($"/api/v1/audit-events?from={from}&to={to}&limit=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_review_question_as_long_as_a_comment_may_be_is_kept_whole_in_the_audit_trail()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var (assessment, _) = await world.Member.CreateSubmittedAsync();
        var question = string.Join(' ', Enumerable.Repeat("Who chaired the meeting?", 200))[..4000];
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assessments/{assessment.Id}/return")
        {
            Content = JsonContent.Create(new CommentRequest(question), options: JsonOptions),
        };
        request.Headers.TryAddWithoutValidation("If-Match", AssessmentDriver.ETagOf(assessment));

        var response = await world.Lead.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_import_that_names_a_draft_framework_version_is_refused_naming_the_row()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var draft = FrameworkDocuments.UniqueIdentifier();
        await ReadAsync<JsonObject>(await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small(draft)));
        var rows = new[] { "INV-01", "INV-02" }.Select(code =>
            new ImportRow(world.Unit.Code, "INV", AssessmentDriver.FreshMonth(), code, 1, FrameworkVersion: draft)).ToList();

        var response = await Client.PostAsJsonAsync("/api/v1/assessments/import", new ImportDocument(rows), JsonOptions);

        var problem = await ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("draft", problem["errors"]!["rows[0].frameworkVersion"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task With_no_active_framework_version_every_reader_and_writer_answers_without_a_500()
    {
        var app = await Fixture.CreateIsolatedAppAsync();
        using var national = app.CreateClient(Fixture.NationalAdminToken);
        var world = await AssessmentWorld.CreateAsync(app, national);
        var (submitted, _) = await world.Member.CreateSubmittedAsync();
        await using (var connection = new NpgsqlConnection(app.ConnectionString))
        {
            await connection.OpenAsync();
            await using var retire = new NpgsqlCommand("UPDATE framework_versions SET status = 'Retired' WHERE status = 'Active'", connection);
            Assert.Equal(1, await retire.ExecuteNonQueryAsync());
        }

        var answers = new List<(string Call, HttpResponseMessage Response)>
        {
            ("active framework", await national.GetAsync("/api/v1/frameworks/active")),
            ("active standard", await national.GetAsync("/api/v1/frameworks/active/standards/INV-01")),
            ("new assessment", await world.Member.Client.PostAsJsonAsync("/api/v1/assessments",
                new CreateAssessmentRequest(world.Unit.Id, "INV", AssessmentDriver.FreshMonth()), JsonOptions)),
            ("import", await national.PostAsJsonAsync("/api/v1/assessments/import",
                new ImportDocument([new ImportRow(world.Unit.Code, "INV", AssessmentDriver.FreshMonth(), "INV-01", 1)]), JsonOptions)),
            ("benchmark", await world.Analyst.GetAsync($"/api/v1/benchmarks/units/{world.Unit.Id}?month={submitted.Month}")),
            ("area benchmark", await world.Analyst.GetAsync($"/api/v1/benchmarks/units/{world.Unit.Id}/areas/INV?month={submitted.Month}")),
            ("trend", await world.Analyst.GetAsync($"/api/v1/benchmarks/units/{world.Unit.Id}/areas/INV/trend")),
            ("gaps", await world.Analyst.GetAsync($"/api/v1/networks/{world.Network.Id}/insight/gaps?month={submitted.Month}")),
            ("heatmap", await world.Analyst.GetAsync($"/api/v1/networks/{world.Network.Id}/insight/heatmap?month={submitted.Month}")),
            ("participation", await world.Analyst.GetAsync($"/api/v1/networks/{world.Network.Id}/insight/participation?month={submitted.Month}")),
            ("agreement", await world.Analyst.GetAsync($"/api/v1/networks/{world.Network.Id}/insight/agreement")),
            ("best practice", await world.Analyst.GetAsync($"/api/v1/networks/{world.Network.Id}/insight/best-practice?standardCode=INV-01")),
            ("export", await world.Analyst.GetAsync("/api/v1/exports/ratings")),
            ("assessment", await world.Member.Client.GetAsync($"/api/v1/assessments/{submitted.Id}")),
        };

        foreach (var (call, response) in answers)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{call}: {(int)response.StatusCode} {body}\n" +
                string.Join("\n", app.Logs.Lines.Where(l => l.Contains("Unhandled", StringComparison.Ordinal))));
            if (!response.IsSuccessStatusCode)
            {
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{call}: {body}");
            }
        }
        Assert.Equal(HttpStatusCode.NotFound, answers[0].Response.StatusCode);
    }

    [Fact]
    public async Task Every_combination_of_optional_query_parameters_is_answered_without_a_5xx()
    {
        var world = await AssessmentWorld.CreateAsync(Fixture.App, Client);
        var (submitted, _) = await world.Member.CreateSubmittedAsync();
        var subscription = await ReadAsync<Api.Webhooks.CreatedSubscription>(await PostAsync("/api/v1/webhooks/subscriptions",
            new Api.Webhooks.CreateSubscriptionRequest("http://127.0.0.1:9/hooks", [], world.Network.Id, null, null)));
        var delivery = await ReadAsync<Api.Webhooks.DeliveryResponse>(await Client.PostAsync($"/api/v1/webhooks/subscriptions/{subscription.Subscription.Id}/test", null));
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "openapi", "sequin.v1.json")))!;
        var plausible = new Dictionary<string, string>
        {
            ["unitId"] = world.Unit.Id.ToString(), ["networkId"] = world.Network.Id.ToString(), ["providerId"] = world.Unit.Provider.Id.ToString(),
            ["collaborativeId"] = Guid.NewGuid().ToString(), ["assessmentId"] = submitted.Id.ToString(), ["areaCode"] = "INV",
            ["standardCode"] = "INV-01", ["unitCode"] = world.Unit.Code, ["code"] = world.Unit.Code, ["month"] = submitted.Month,
            ["from"] = "2020-01", ["to"] = submitted.Month, ["status"] = "submitted", ["frameworkVersion"] = "2021.1", ["limit"] = "2",
            ["cursor"] = Paging.Encode("x"), ["after"] = Paging.Encode("12.34"), ["until"] = Paging.Encode("99999999.0"), ["changedAfter"] = Paging.Encode("12.0"), ["active"] = "true", ["securityLevel"] = "low", ["sector"] = "nhs", ["role"] = "analyst",
            ["subject"] = "s", ["group"] = "national", ["threshold"] = "2", ["minimumUnits"] = "1", ["against"] = "2021.1",
            ["dryRun"] = "true", ["updatedSince"] = "2020-01-01T00:00:00Z", ["entityType"] = "assessment", ["entityId"] = submitted.Id.ToString(),
            ["actor"] = "x", ["action"] = "assessment.submitted", ["identifier"] = "active", ["evidenceId"] = Guid.NewGuid().ToString(),
            ["keyId"] = Guid.NewGuid().ToString(), ["membershipId"] = Guid.NewGuid().ToString(), ["commentId"] = Guid.NewGuid().ToString(), ["voice"] = "service-user",
            ["subscriptionId"] = subscription.Subscription.Id.ToString(), ["deliveryId"] = delivery.Id.ToString(), ["state"] = "pending",
            ["figure"] = "agreed", ["confirmation"] = "agreed", ["confirmedOnly"] = "true", ["labels"] = "easy-read",
            ["runLength"] = "6", ["trendLength"] = "6", ["target"] = "2.5", ["rebaseAt"] = "2020-06", ["rebaseAtActions"] = "true",
            ["pairingId"] = Guid.NewGuid().ToString(), ["months"] = "3", ["atLeast"] = "2", ["highAt"] = "3", ["outcome"] = "improved",
            ["actionId"] = Guid.NewGuid().ToString(), ["priorityId"] = Guid.NewGuid().ToString(), ["overdue"] = "true",
            // FHIR (/fhir): read ids, search parameters, paging and format.
            ["id"] = world.Unit.Id.ToString(), ["name"] = "a", ["type"] = "unit", ["partof"] = $"Organization/{world.Unit.Provider.Id}",
            ["url"] = Api.Fhir.FhirNames.QuestionnaireUrl, ["version"] = "2021.1", ["_count"] = "2", ["_cursor"] = Paging.Encode("x"), ["_format"] = "json",
            ["subject"] = $"Organization/{world.Unit.Id}", ["authored"] = "ge2021-01", ["questionnaire"] = Api.Fhir.FhirNames.QuestionnaireUrl,
            ["period"] = "le2026-04", ["measure"] = Api.Fhir.FhirNames.MeasureUrl("INV"),
            ["jobId"] = Guid.NewGuid().ToString(), ["fileNumber"] = "1", ["_outputFormat"] = "ndjson", ["_since"] = "2026-01-01T00:00:00Z", ["_type"] = "Measure",
        };
        var urls = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (item!["get"] is not { } get)
            {
                continue;
            }
            var parameters = ContractDocument.ParametersOf(document, get).ToList();
            var url = parameters.Where(p => p["in"]!.GetValue<string>() == "path")
                .Aggregate(path, (u, p) => u.Replace("{" + p["name"] + "}", plausible[p["name"]!.GetValue<string>()], StringComparison.Ordinal));
            var optional = parameters.Where(p => p["in"]!.GetValue<string>() == "query").Select(p => p["name"]!.GetValue<string>()).ToList();
            for (var mask = 0; mask < 1 << optional.Count; mask++)
            {
                var query = string.Join('&', optional.Where((_, i) => (mask & (1 << i)) != 0)
                    .Select(name => $"{name}={Uri.EscapeDataString(name == "from" && path.Contains("audit") || name == "from" && path.Contains("history")
                        ? "2020-01-01T00:00:00Z" : name == "to" && (path.Contains("audit") || path.Contains("history")) ? "2099-01-01T00:00:00Z" : plausible[name])}"));
                urls.Add(query.Length == 0 ? url : url + "?" + query);
            }
        }
        // Reads only, so four at a time: the machine's cores stay busy and the answers cannot depend on the order.
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (url, ct) =>
        {
            using var response = await Client.GetAsync(url, ct);
            if ((int)response.StatusCode >= 500)
            {
                failures.Enqueue($"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        });
        Assert.Empty(failures);
        var sent = urls.Count;
        Assert.True(sent > 1000, $"Only {sent} combinations were tried.");
    }
}
