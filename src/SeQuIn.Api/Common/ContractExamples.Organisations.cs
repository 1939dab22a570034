using SeQuIn.Api.Organisations;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private static readonly OrganisationRef Provider = new(ProviderId, "DEMO-NHS1", "Dalesbridge Health NHS Foundation Trust");
    private static readonly OrganisationRef Network = new(NetworkId, NetworkCode, NetworkName);
    private static readonly OrganisationRef Collaborative = new(CollaborativeId, "PC-RIDINGS", "Ridings Secure Care Provider Collaborative");

    private static readonly UnitResponse Unit = new(UnitId, UnitCode, "Ridgeview Medium Secure Unit", SecurityLevel.Medium,
        Provider, ProviderSector.Nhs, Network, Collaborative, true, Created, Created, PublishToFamilies: true);

    private static readonly NetworkResponse NetworkAnswer = new(NetworkId, NetworkCode, NetworkName, "Yorkshire and the Humber", false, true, true,
        new DateTimeOffset(2026, 1, 12, 9, 30, 0, TimeSpan.Zero), Created, PublishToFamilies: true, OfferBuddiesNationally: false);

    private static readonly CollaborativeResponse CollaborativeAnswer = new(CollaborativeId, Collaborative.Code, Collaborative.Name, true,
        new DateTimeOffset(2026, 1, 12, 9, 41, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 12, 9, 41, 0, TimeSpan.Zero));

    private static readonly ProviderResponse ProviderAnswer = new(ProviderId, Provider.Code, Provider.Name, ProviderSector.Nhs, true,
        new DateTimeOffset(2026, 1, 12, 9, 45, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 16, 5, 12, TimeSpan.Zero));

    private const string NextCursor = "eyJrIjoiUklER0UtTVNVIn0";

    private static IEnumerable<(Type Type, object Example)> Organisations() =>
    [
        (typeof(CreateNetworkRequest), new CreateNetworkRequest(NetworkCode, NetworkName, "Yorkshire and the Humber", AllowRanks: false, PublishSummaries: true)),
        (typeof(UpdateNetworkRequest), new UpdateNetworkRequest(NetworkName, true, "Yorkshire and the Humber", false, true, PublishToFamilies: true,
            OfferBuddiesNationally: false)),
        (typeof(NetworkResponse), NetworkAnswer),
        (typeof(Page<NetworkResponse>), new Page<NetworkResponse>([NetworkAnswer], null, 100)),

        (typeof(CreateCollaborativeRequest), new CreateCollaborativeRequest(Collaborative.Code, Collaborative.Name)),
        (typeof(UpdateCollaborativeRequest), new UpdateCollaborativeRequest(Collaborative.Name, true)),
        (typeof(CollaborativeResponse), CollaborativeAnswer),
        (typeof(Page<CollaborativeResponse>), new Page<CollaborativeResponse>([CollaborativeAnswer], null, 100)),

        (typeof(CreateProviderRequest), new CreateProviderRequest(Provider.Code, Provider.Name, ProviderSector.Nhs)),
        (typeof(UpdateProviderRequest), new UpdateProviderRequest(Provider.Name, ProviderSector.Nhs, true)),
        (typeof(ProviderResponse), ProviderAnswer),
        (typeof(Page<ProviderResponse>), new Page<ProviderResponse>(
            [ProviderAnswer, ProviderAnswer with
            {
                Id = Guid.Parse("7c6b5a4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"), Code = "DEMO-IND1", Name = "Moorside Care Partnership", Sector = ProviderSector.Independent,
            }], NextCursor, 2)),

        (typeof(CreateUnitRequest), new CreateUnitRequest(UnitCode, Unit.Name, SecurityLevel.Medium, ProviderId, NetworkId, CollaborativeId)),
        (typeof(UpdateUnitRequest), new UpdateUnitRequest(Unit.Name, SecurityLevel.Medium, ProviderId, NetworkId, true, CollaborativeId, PublishToFamilies: true)),
        (typeof(UnitResponse), Unit),
        (typeof(Page<UnitResponse>), new Page<UnitResponse>([Unit], NextCursor, 100)),
    ];
}
