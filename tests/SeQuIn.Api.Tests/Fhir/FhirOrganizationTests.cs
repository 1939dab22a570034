using System.Net;
using Hl7.Fhir.Model;
using SeQuIn.Api.Fhir;
using SeQuIn.Api.Organisations;
using SeQuIn.Api.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace SeQuIn.Api.Tests.Fhir;

/// <summary>Networks, providers, collaboratives and units as Organization, compared with the REST directory's answers.</summary>
public sealed class FhirOrganizationTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task A_unit_reads_as_the_rest_api_has_it_part_of_its_provider_and_member_of_its_network_and_collaborative()
    {
        var world = await FhirWorld.CreateAsync(Client);
        var rest = await ReadAsync<UnitResponse>(await Client.GetAsync($"/api/v1/units/{world.Unit.Id}"));

        var unit = await (await Client.GetAsync($"/fhir/Organization/{world.Unit.Id}")).ReadFhirAsync<Organization>();

        Assert.Equal(rest.Id.ToString("D"), unit.Id);
        Assert.Equal((FhirNames.UnitCodeSystem, rest.Code), (unit.Identifier.Single().System, unit.Identifier.Single().Value));
        Assert.Equal((rest.Name, rest.Active), (unit.Name, unit.Active));
        Assert.Equal((FhirNames.OrganisationKindSystem, "unit"), (unit.Type.Single().Coding.Single().System, unit.Type.Single().Coding.Single().Code));
        Assert.Equal(($"Organization/{rest.Provider.Id}", rest.Provider.Name), (unit.PartOf!.Reference, unit.PartOf.Display));
        Assert.Equal([($"Organization/{rest.Network.Id}", rest.Network.Name), ($"Organization/{rest.Collaborative!.Id}", rest.Collaborative.Name)],
            unit.GetExtensions(FhirNames.MemberOfExtension).Select(e => e.Value).Cast<ResourceReference>().Select(r => (r.Reference, r.Display)));
        Assert.Equal(rest.UpdatedAt, unit.Meta!.LastUpdated);
    }

    [Fact]
    public async Task Networks_providers_and_collaboratives_read_as_the_rest_api_has_them()
    {
        var world = await FhirWorld.CreateAsync(Client);
        var bodies = new (string Kind, string System, Guid Id, string RestUrl)[]
        {
            ("network", FhirNames.NetworkCodeSystem, world.Network.Id, $"/api/v1/networks/{world.Network.Id}"),
            ("provider", FhirNames.ProviderCodeSystem, world.Provider.Id, $"/api/v1/providers/{world.Provider.Id}"),
            ("collaborative", FhirNames.CollaborativeCodeSystem, world.Collaborative.Id, $"/api/v1/collaboratives/{world.Collaborative.Id}"),
        };
        foreach (var (kind, system, id, restUrl) in bodies)
        {
            var rest = await ReadAsync<System.Text.Json.Nodes.JsonObject>(await Client.GetAsync(restUrl));
            var organization = await (await Client.GetAsync($"/fhir/Organization/{id}")).ReadFhirAsync<Organization>();

            Assert.Equal((system, rest["code"]!.GetValue<string>()), (organization.Identifier.Single().System, organization.Identifier.Single().Value));
            Assert.Equal((rest["name"]!.GetValue<string>(), rest["active"]!.GetValue<bool>()), (organization.Name, organization.Active));
            Assert.Equal(kind, organization.Type.Single().Coding.Single().Code);
            Assert.Null(organization.PartOf);
        }
    }

    [Fact]
    public async Task Search_finds_by_identifier_type_partof_and_name_and_nothing_else()
    {
        var world = await FhirWorld.CreateAsync(Client, "Search" + Guid.NewGuid().ToString("N")[..6]);
        async Task<IReadOnlyList<string?>> Ids(string query) =>
            (await Client.SearchAllAsync<Organization>($"/fhir/Organization?{query}")).Resources.Select(o => o.Id).ToList();
        var unit = world.Unit.Id.ToString("D");

        Assert.Equal([unit], await Ids($"identifier={Uri.EscapeDataString(FhirNames.UnitCodeSystem + "|" + world.Unit.Code)}"));
        Assert.Equal([unit], await Ids($"identifier={world.Unit.Code}"));
        Assert.Empty(await Ids($"identifier={Uri.EscapeDataString(FhirNames.NetworkCodeSystem + "|" + world.Unit.Code)}"));
        Assert.Equal([unit], await Ids($"partof=Organization/{world.Provider.Id}"));
        Assert.Equal([unit], await Ids($"partof={world.Provider.Id}&type=unit"));
        Assert.Equal([world.Network.Id.ToString("D")], await Ids($"name={world.Network.Name[..10].ToLowerInvariant()}&type={Uri.EscapeDataString(FhirNames.OrganisationKindSystem + "|network")}"));
        Assert.Empty(await Ids("name=%25"));
        Assert.Empty(await Ids($"partof=Organization/{Guid.NewGuid()}"));
    }

    [Fact]
    public async Task An_organization_that_does_not_exist_is_not_found()
    {
        await (await Client.GetAsync($"/fhir/Organization/{Guid.NewGuid()}")).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        await (await Client.GetAsync("/fhir/Organization/RIDGE-MSU")).ReadOutcomeAsync(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
    }
}
