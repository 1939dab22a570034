using System.Net;
using System.Net.Http.Json;
using SeQuIn.Api.Common;
using SeQuIn.Api.Framework;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Framework;

public sealed class FrameworkVersionLifecycleTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task An_imported_document_becomes_a_draft_with_its_whole_tree()
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();
        var response = await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small(identifier));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/frameworks/{identifier}", response.Headers.Location?.OriginalString);
        var draft = await ReadAsync<FrameworkVersionDetail>(await Client.GetAsync($"/api/v1/frameworks/{identifier}"));
        Assert.Equal(FrameworkStatus.Draft, draft.Status);
        Assert.Equal(["INV-01", "INV-02", "TEC-01", "TEC-02"], draft.Areas.SelectMany(a => a.Standards).Select(s => s.Code));
        Assert.Equal([0, 1, 2], draft.Scale.Select(p => p.Value));
        Assert.Null(draft.ActivatedAt);
    }

    [Fact]
    public async Task Importing_an_identifier_that_exists_is_a_conflict()
    {
        var response = await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small("2021.1"));

        var problem = await ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("/api/v1/frameworks/2021.1", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_diff_names_standards_added_retired_reworded_and_moved_by_code()
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();
        var shipped = FrameworkDocuments.Shipped(identifier);
        var areas = shipped.Areas.ToList();
        var inv = areas[0];
        var ras = areas.Single(a => a.Code == "RAS");
        areas[0] = inv with
        {
            Name = "Involvement and co-production",
            Standards = [.. inv.Standards.Take(9), new StandardInput("INV-11", "A new standard.", "Something new.")],
        };
        areas[areas.IndexOf(ras)] = ras with
        {
            Standards = [ras.Standards[0] with { Statement = "Reworded statement." }, .. ras.Standards.Skip(1)],
        };
        await PostAsync("/api/v1/frameworks", shipped with { Areas = areas });

        var diff = await ReadAsync<FrameworkDiff>(await Client.GetAsync($"/api/v1/frameworks/{identifier}/diff"));

        Assert.Equal("2021.1", diff.ComparedWith);
        Assert.Equal(["INV-11"], diff.StandardsAdded.Select(s => s.Code));
        Assert.Equal(["INV-10"], diff.StandardsRetired.Select(s => s.Code));
        var reworded = Assert.Single(diff.StandardsReworded);
        Assert.Equal(("RAS-01", "Reworded statement."), (reworded.Code, reworded.After));
        Assert.Equal(["statement"], reworded.ChangedMembers);
        Assert.Equal(["name"], Assert.Single(diff.AreasChanged).ChangedMembers);
        Assert.Empty(diff.AreasAdded);
        Assert.False(diff.ScaleChanged);
    }

    [Fact]
    public async Task A_draft_is_replaced_or_deleted_only_with_the_etag_it_was_read_with()
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();
        var url = $"/api/v1/frameworks/{identifier}";
        var created = await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small(identifier));
        var etag = await Client.ETagOfAsync(url);
        Assert.Equal(etag, created.Headers.ETag?.Tag);
        var replacement = FrameworkDocuments.Small(identifier) with { Areas = [FrameworkDocuments.Area("MDT", "MDT-01")] };

        await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Put, url, replacement, null), (HttpStatusCode)428);
        var replaced = await Client.SendIfMatchAsync(HttpMethod.Put, url, replacement, etag);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var newETag = await Client.ETagOfAsync(url);
        Assert.Equal(newETag, replaced.Headers.ETag?.Tag);
        Assert.NotEqual(etag, newETag);

        await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Put, url, FrameworkDocuments.Small(identifier), etag), HttpStatusCode.PreconditionFailed);
        await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Delete, url, null, etag), HttpStatusCode.PreconditionFailed);
        Assert.Equal(["MDT-01"], (await ReadAsync<FrameworkVersionDetail>(await Client.GetAsync(url))).Areas.SelectMany(a => a.Standards).Select(s => s.Code));
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendIfMatchAsync(HttpMethod.Delete, url, null, newETag)).StatusCode);
    }

    [Fact]
    public async Task A_weakened_etag_from_a_proxy_still_changes_and_revalidates_a_framework_version()
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();
        var url = $"/api/v1/frameworks/{identifier}";
        await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small(identifier));
        var weak = "W/" + await Client.ETagOfAsync(url);

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, url);
        revalidate.Headers.TryAddWithoutValidation("If-None-Match", weak);
        Assert.Equal(HttpStatusCode.NotModified, (await Client.SendAsync(revalidate)).StatusCode);
        var replacement = FrameworkDocuments.Small(identifier) with { Areas = [FrameworkDocuments.Area("MDT", "MDT-01")] };
        Assert.Equal(HttpStatusCode.OK, (await Client.SendIfMatchAsync(HttpMethod.Put, url, replacement, weak)).StatusCode);
        await ReadProblemAsync(await Client.SendIfMatchAsync(HttpMethod.Delete, url, null, weak), HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task A_draft_can_be_replaced_and_then_deleted()
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();
        await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small(identifier));
        var replacement = FrameworkDocuments.Small(identifier) with { Areas = [FrameworkDocuments.Area("MDT", "MDT-01")] };

        var replaced = await ReadAsync<FrameworkVersionDetail>(await Client.ChangeCurrentAsync(HttpMethod.Put, $"/api/v1/frameworks/{identifier}", replacement));
        Assert.Equal(["MDT-01"], replaced.Areas.SelectMany(a => a.Standards).Select(s => s.Code));

        Assert.Equal(HttpStatusCode.NoContent, (await Client.ChangeCurrentAsync(HttpMethod.Delete, $"/api/v1/frameworks/{identifier}", null)).StatusCode);
        await ReadProblemAsync(await Client.GetAsync($"/api/v1/frameworks/{identifier}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_active_version_cannot_be_replaced_deleted_or_activated_again()
    {
        var before = await Client.GetStringAsync("/api/v1/frameworks/2021.1");

        await ReadProblemAsync(await PutAsync("/api/v1/frameworks/2021.1", FrameworkDocuments.Small("2021.1")), HttpStatusCode.Conflict);
        await ReadProblemAsync(await Client.DeleteAsync("/api/v1/frameworks/2021.1"), HttpStatusCode.Conflict);
        await ReadProblemAsync(await Client.PostAsync("/api/v1/frameworks/2021.1/activate", null), HttpStatusCode.Conflict);

        Assert.Equal(before, await Client.GetStringAsync("/api/v1/frameworks/2021.1"));
    }

    [Fact]
    public async Task Replacing_a_draft_under_another_identifier_is_refused()
    {
        var identifier = FrameworkDocuments.UniqueIdentifier();
        await PostAsync("/api/v1/frameworks", FrameworkDocuments.Small(identifier));

        var response = await PutAsync($"/api/v1/frameworks/{identifier}", FrameworkDocuments.Small("other"));

        Assert.Contains("must match", await ReadFieldErrorAsync(response, "identifier"));
    }

    [Fact]
    public async Task Activating_a_draft_retires_the_version_that_was_active()
    {
        await using var app = await Fixture.CreateIsolatedAppAsync();
        using var client = app.CreateClient(Fixture.NationalAdminToken);
        await client.PostAsJsonAsync("/api/v1/frameworks", FrameworkDocuments.Shipped("2022.1"), JsonOptions);

        var activated = await ReadAsync<FrameworkVersionSummary>(await client.PostAsync("/api/v1/frameworks/2022.1/activate", null));

        Assert.Equal(FrameworkStatus.Active, activated.Status);
        Assert.Equal("2022.1", (await ReadAsync<FrameworkVersionDetail>(await client.GetAsync("/api/v1/frameworks/active"))).Identifier);
        var retired = await ReadAsync<FrameworkVersionDetail>(await client.GetAsync("/api/v1/frameworks/2021.1"));
        Assert.Equal(FrameworkStatus.Retired, retired.Status);
        Assert.NotNull(retired.RetiredAt);
        var versions = await ReadAsync<Page<FrameworkVersionSummary>>(await client.GetAsync("/api/v1/frameworks?status=active"));
        Assert.Equal(["2022.1"], versions.Items.Select(v => v.Identifier));
        var refused = await client.PutAsJsonAsync("/api/v1/frameworks/2021.1", FrameworkDocuments.Small("2021.1"), JsonOptions);
        await ReadProblemAsync(refused, HttpStatusCode.Conflict);
    }
}
